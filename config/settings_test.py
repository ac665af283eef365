"""Settings for the test suite: the real settings with debug mode explicitly on.

The settings default to production (debug off, a secret key required). Tests run with
debug on, as `make test` also sets, so that `pytest` alone works on a development machine;
pytest-django still runs each test with DEBUG off.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .settings import *  # noqa: F403
