"""Private file storage: signed agreements now, invoices and statements later.

Files that only some people may read never go to the public media storage, whose files
anyone can fetch by URL. They go to the `"private"` entry of settings.STORAGES, and a view
that checks who asks streams them (fairs/views/agreements.py). On the embedded default that
is `PrivateFileSystemStorage` under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT; production may
point it at a private S3 bucket instead (README, "Configuration").

It lives in catalog, below marketplace and fairs, because both of those store private files.
"""

import os
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, with no URL: asking for one is a programming error."""

    @property
    def base_location(self):
        # A property, not FileSystemStorage's cached one: tests point PRIVATE_MEDIA_ROOT at a
        # temporary directory, and the storage must follow without being rebuilt.
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files have no URL: serve them through a view that checks access.")


def private_storage() -> Storage:
    """The storage for private files (a callable, so migrations do not freeze the backend)."""
    return storages["private"]


def random_name(folder: str, filename: str) -> str:
    """`<folder>/<random hex>.<extension>`: a stored name nobody can guess from the file's own."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"
