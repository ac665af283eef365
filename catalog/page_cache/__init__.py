"""The anonymous page cache: whole public pages, kept for visitors who carry no state of their own.

Why it is here: the writes that change a public page (stock, prices, certificates, publishing)
start in catalog, and marketplace, fairs and cms above it must be able to say "pages changed", so
the one function they call, `invalidate()`, lives in the lowest app that needs it.

How it works (docs/caching.md has the reasons):

- A view opts in: Wagtail page types through `AnonymousPageCacheMixin`, function views through
  `@anonymous_page`, each naming the query parameters its page reads. Nothing else is cached.
- The middleware (`middleware.PageCacheMiddleware`) looks a request up only when it is a GET or
  HEAD without a session or messages cookie: without them the visitor is anonymous, with no cart
  and no messages, so the page cannot hold anyone's data. It stores only a 200 HTML response of
  an opted-in view, rendered for an anonymous user, that set no cookie, wrote nothing into the
  session and was not marked private or uncacheable.
- The CSRF token is the one per-visitor thing an anonymous page holds (the language switcher and
  "Add to cart" are POST forms). While an opted-in page renders for such a request, `{% csrf_token %}`
  writes a placeholder (`csrf_placeholder`, a context processor); the middleware replaces it with
  the visitor's own token on every response, stored or served from the cache.
- The key is the local date, the scheme, host, language, path and exact query string; each entry
  holds the generation it was rendered in. `invalidate()` moves the generation after commit, which
  retires every entry at once; the date retires them at midnight, when OCOP certificates expire
  and fairs change state.
"""

import contextlib
import logging
import os
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# What `{% csrf_token %}` writes into a page rendered for the cache; never a valid token.
CSRF_PLACEHOLDER = "pagecache-csrf-placeholder-4b1e9c"
CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
# Bounds on what is cached: longer query strings, more parameters or longer values are served
# uncached, so a crawler or an attacker making up URLs cannot fill the cache with variants.
MAX_QUERY_LENGTH = 256
MAX_PARAMETERS = 8
MAX_VALUE_LENGTH = 100

_pending = threading.local()


def cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def fragments_enabled() -> bool:
    """Whether fragments of pages (product cards, `fragments.py`) are cached: on their own setting,
    since they serve logged-in visitors and uncached pages too."""
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) > 0


# --- invalidation -------------------------------------------------------------------------------


def invalidate() -> None:
    """Public pages changed: retire every cached page once the current transaction commits (at
    once outside one). A rolled-back write retires nothing; a cache that cannot be reached is
    logged and never breaks the write."""
    _pending.bump = True
    transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    # Every invalidate() in a transaction registers this; the first to run moves the generation.
    if not getattr(_pending, "bump", False):
        return
    _pending.bump = False
    store = cache()
    try:
        if isinstance(store, RedisCache):
            _announce(store, uuid.uuid4().hex[:16])
        else:
            store.set(GENERATION_KEY, uuid.uuid4().hex[:16], timeout=None)
    except Exception:
        logger.exception("Could not retire the cached pages (the page cache is unreachable)")
    if (enabled() or fragments_enabled()) and _process_local():
        _write_stamp()


def generation(value: str | None = None) -> str:
    """The current generation (`value` when the caller has just read it). A missing one (never set,
    or evicted) becomes a new random value, never an earlier one, so an eviction cannot bring
    retired pages back. With a cache of this process only, the shared stamp is part of it."""
    store = cache()
    if value is None:
        value = store.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex[:16]
        if not store.add(GENERATION_KEY, value, timeout=None):
            value = store.get(GENERATION_KEY) or value
    if _process_local():
        value = f"{value}:{_read_stamp()}"
    return value


# --- processes without a shared cache ---------------------------------------------------------------
# With the local-memory cache each gunicorn worker (and each command, and the task worker) keeps its
# own pages and its own generation, so a change made in one process would leave the others serving
# the old page until it expires. They share the disk, so a change also replaces a stamp file
# (settings.PAGE_CACHE_STAMP_FILE), and the generation of a process-local cache includes the file's
# identity: one stat() per request, a few microseconds. Redis is shared and needs none of this.


def _process_local() -> bool:
    return isinstance(cache(), LocMemCache)


def _stamp_file() -> Path:
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def _read_stamp() -> str:
    try:
        found = os.stat(_stamp_file())
    except OSError:
        return "-"
    return f"{found.st_ino}.{found.st_mtime_ns}"


def _write_stamp() -> None:
    """Replace the stamp file (a new file each time, so its inode and time change together)."""
    path = _stamp_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".stamp-", delete=False) as new:
            new.write(uuid.uuid4().hex)
        os.replace(new.name, path)
    except OSError:
        logger.exception("Could not write the page cache's stamp %s: other processes keep their pages", path)


# --- a copy in each process, in front of a shared cache -------------------------------------------
# From Redis, a page costs its bytes sent and read back on every request (37-45% of /healthz in
# bench_pages, against 52-59% from local memory). Each process also keeps the last LOCAL_PAGES pages
# it served, for LOCAL_SECONDS at most; the generation is still read from the shared cache on every
# request, and a copy is served only under the generation it was rendered in, so a change made in
# any process retires every copy at once, as it retires the shared pages.

LOCAL_PAGES = 64
LOCAL_SECONDS = 30.0


class _LocalPages:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, current: str) -> tuple | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, entry = found
            if entry[0] != current or expires < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + LOCAL_SECONDS, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


local_pages = _LocalPages(LOCAL_PAGES)


# --- values that change only when public pages do --------------------------------------------------
# Every page, cached or not, asked the database which site its host names (one query, with a CASE
# of Wagtail's) and where the menu's sections are (another): values that change only when pages
# are published, moved or unpublished, or a site is saved, all of which move the generation. Each
# process keeps them under the generation it read first, so they cost no query until it moves.

REMEMBERED_VALUES = 256
_MISSING = object()


class _Remembered:
    def __init__(self, size: int):
        self.size = size
        self._values: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], object]):
        """The value of `compute()` for `key` in the current generation (read first, so a change
        committed while it computes retires it). Computed every time when neither the page cache
        nor fragments are on, or when the cache cannot be reached."""
        if not (enabled() or fragments_enabled()):
            return compute()
        try:
            full = (current_generation(), *key)
        except Exception:
            logger.exception("Could not read the page cache's generation: the value is computed")
            return compute()
        found = self._values.get(full, _MISSING)
        if found is _MISSING:
            found = compute()
            with self._lock:
                if len(self._values) >= self.size:  # another generation's, or a flood of hosts
                    self._values.clear()
                self._values[full] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


remembered = _Remembered(REMEMBERED_VALUES)
# The pages paths route to (middleware._remember_route): apart, so that many paths cannot push the
# site and the menu out.
REMEMBERED_ROUTES = 1024
routes = _Remembered(REMEMBERED_ROUTES)


def lookup(key: str) -> tuple[str, tuple | None]:
    """The current generation and the page cached under `key` in it (None when there is none).

    With local memory one round trip reads both. With Redis the generation is the one it last
    announced to this process (`watch`), read from Redis only when this process is not listening;
    the page is this process's copy, or read from Redis when it holds none in that generation."""
    store = cache()
    if _process_local():
        found = store.get_many([GENERATION_KEY, key])
        current = generation(found.get(GENERATION_KEY))
        entry = found.get(key)
        return current, entry if entry is not None and entry[0] == current else None
    current = current_generation()
    entry = local_pages.get(key, current)
    if entry is None:
        entry = store.get(key)
        if entry is None or entry[0] != current:
            return current, None
        local_pages.put(key, entry)
    return current, entry


def current_generation() -> str:
    """The current generation, as cheaply as this process can know it: with Redis, the one it last
    announced to this process (`watch`), read from Redis only when this process is not listening."""
    store = cache()
    if not isinstance(store, RedisCache):
        return generation()
    current = watch.current(store)
    if current is None:
        stored = store.get(GENERATION_KEY)
        # None: missing, or Redis failed and the fault-tolerant cache answered empty; either way
        # generation() makes one up, which must not be taken for what Redis holds.
        if stored is not None:
            watch.heard(store, stored)
        current = generation(stored)
    return current


def keep(key: str, entry: tuple) -> None:
    """Store a page rendered in generation entry[0] under `key`, for every process."""
    cache().set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
    if not _process_local():
        local_pages.put(key, entry)


# --- hearing of changes from Redis --------------------------------------------------------------
# With the copies above, reading the generation was the one round trip left in serving a page from
# Redis, and on a busy machine the costliest part: Redis must be woken to answer (bench_pages with
# Redis: 45-48% of /healthz, against 55-59% from local memory). So a change sets the generation and
# publishes it on a channel of the same name in one transaction (MULTI/EXEC, `_announce`), and each
# process listens on that channel: serving a page it then only reads, without waiting, what has
# arrived on its subscription's socket (a few microseconds). Redis writes the message to its
# listeners in the same pass as its answer to the change, so by the time the process that made the
# change has answered anyone, every listener holds it.
# Until this process has confirmed its subscription and read the generation, after any error and
# after a reconnection (during which announcements may have been missed), it reads the generation
# from Redis as before, and tries to listen again LISTEN_RETRY_SECONDS later. (redis-py's
# client-side caching does the same for any key, but it needs Redis 7.4 or later; Debian 12 ships
# 7.0.)

# After a failure, how long a process reads the generation from Redis before it tries to listen again,
# and how long it waits for Redis to confirm a subscription (a Redis that does not answer costs that).
LISTEN_RETRY_SECONDS = 30.0
LISTEN_CONFIRM_SECONDS = 0.5


def _announce(store: RedisCache, value: str) -> None:
    """Set the generation to `value` and tell every listening process, in one transaction."""
    key = store.make_and_validate_key(GENERATION_KEY)
    client = store._cache.get_client(key, write=True)  # Django's RedisCache keeps its client there
    with client.pipeline(transaction=True) as pipe:
        pipe.set(key, store._cache._serializer.dumps(value))
        pipe.publish(key, value)
        pipe.execute()


class _Watch:
    def __init__(self):
        self._lock = threading.Lock()
        self._pubsub = None
        self._pid = None
        self._where: tuple | None = None  # the Redis servers and the channel listened to
        self._value: str | None = None
        self._reconnected = False
        self._retry_at = 0.0

    def current(self, store: RedisCache) -> str | None:
        """The generation as Redis last announced it, or None when this process cannot tell (not
        yet listening, or the subscription failed or was renewed): then read it from Redis."""
        with self._lock:
            try:
                return self._current(store)
            except Exception as error:
                logger.warning(
                    "Not listening for the page cache's changes (%s); reading them from Redis.", error
                )
                self._drop()
                self._retry_at = time.monotonic() + LISTEN_RETRY_SECONDS
                return None

    def heard(self, store: RedisCache, value: str) -> None:
        """The generation, just read from Redis: announcements that come later still replace it."""
        with self._lock:
            if self._pubsub is not None and self._pid == os.getpid() and self._where == _where(store):
                self._value = value

    def _current(self, store: RedisCache) -> str | None:
        where = _where(store)
        # Another process (forked after this one listened), a renewed connection, or another
        # cache (another Redis, another prefix: the tests' settings): listen anew.
        if self._pubsub is not None and (
            self._pid != os.getpid() or self._reconnected or self._where != where
        ):
            self._drop()
        if self._pubsub is None:
            if time.monotonic() < self._retry_at:
                return None
            self._listen(store, where)
        while (message := self._pubsub.get_message(timeout=0)) is not None:
            if message["type"] == "message":
                self._value = message["data"].decode()
        if self._reconnected:  # redis-py reconnected while reading: something may have been missed
            self._drop()
            return None
        return self._value

    def _listen(self, store: RedisCache, where: tuple) -> None:
        channel = where[-1]
        pubsub = store._cache.get_client(channel).pubsub()
        pubsub.subscribe(channel)
        confirmed = pubsub.get_message(timeout=LISTEN_CONFIRM_SECONDS)
        if confirmed is None or confirmed["type"] != "subscribe":
            pubsub.close()
            raise ConnectionError("Redis did not confirm the subscription")
        pubsub.connection.register_connect_callback(self._on_reconnect)
        self._pubsub, self._pid, self._where = pubsub, os.getpid(), where
        self._value, self._reconnected = None, False

    def stop(self) -> None:
        """Stop listening; the next lookup listens again (the tests' fixtures)."""
        with self._lock:
            self._drop()
            self._retry_at = 0.0

    def _on_reconnect(self, connection) -> None:
        self._reconnected = True

    def _drop(self) -> None:
        pubsub, self._pubsub, self._value = self._pubsub, None, None
        # A process forked from the one that subscribed leaves the subscription to it.
        if pubsub is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                pubsub.close()


def _where(store: RedisCache) -> tuple:
    return (*store._cache._servers, store.make_and_validate_key(GENERATION_KEY))


watch = _Watch()


# --- opting in ------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """Set on the request by the middleware when the request may be answered from the cache."""

    key: str
    generation: str
    entry: tuple | None = None  # (generation, headers, content) when the cache holds the page
    opted_in: bool = False


def opt_in(request, params: Iterable[str]) -> None:
    """Called by a cacheable view before it renders: its page may be cached for this request if
    every query parameter is one the page reads, given once."""
    candidate: Candidate | None = getattr(request, "page_cache", None)
    if candidate is not None and reads_only(request, params):
        candidate.opted_in = True


def reads_only(request, params: Iterable[str]) -> bool:
    """Whether every query parameter of the request is one of `params`, given once, with a value
    of at most MAX_VALUE_LENGTH characters, in a query string of at most MAX_QUERY_LENGTH: the
    requests whose pages (and page contents, `fragments.for_page`) may be kept."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    allowed = set(params)
    return all(
        name in allowed and len(values) == 1 and len(values[0]) <= MAX_VALUE_LENGTH
        for name, values in request.GET.lists()
    )


def anonymous_page(*, params: Iterable[str] = ()) -> Callable:
    """Decorate a function view whose page is the same for every anonymous visitor, given its URL
    and the query parameters in `params`."""
    params = tuple(params)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            opt_in(request, params)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class AnonymousPageCacheMixin:
    """For Wagtail page types whose pages are the same for every anonymous visitor. Wagtail serves
    a page with view restrictions (password, log-in, groups) without calling `serve`, and marks
    those responses uncacheable, so they are never stored."""

    # The query parameters the page reads (pagination, filters); any other is served uncached.
    page_cache_params: tuple[str, ...] = ()

    def serve(self, request, *args, **kwargs):
        opt_in(request, self.page_cache_params)
        return super().serve(request, *args, **kwargs)

    def get_view_restrictions(self):
        """The view restrictions of a page routed from what the process remembers
        (middleware._remember_route), as read in the current generation; otherwise Wagtail's query."""
        remembered = getattr(self, "_remembered_view_restrictions", None)
        return super().get_view_restrictions() if remembered is None else remembered


def csrf_placeholder(request) -> dict:
    """Context processor: while an opted-in page renders for the cache, `{% csrf_token %}` writes the
    placeholder instead of a token (this processor runs after Django's own, so its value wins)."""
    candidate = getattr(request, "page_cache", None)
    if candidate is not None and candidate.opted_in:
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}
