"""The middleware of the anonymous page cache (catalog/page_cache/__init__.py says what is cached).

It sits right below CsrfViewMiddleware (config/settings.py): a page served from the cache has
passed the security, session, locale, common and CSRF middleware, and the CSRF middleware sets the
visitor's CSRF cookie for the token written into it. Authentication, messages and the rest are
below it and do not run for a page served from the cache: no database query at all.
"""

import copy
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils import timezone
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from . import (
    CSRF_PLACEHOLDER_BYTES,
    MAX_PARAMETERS,
    MAX_QUERY_LENGTH,
    Candidate,
    enabled,
    fragments_enabled,
    keep,
    lookup,
    remembered,
    routes,
)

logger = logging.getLogger(__name__)

# Cookies the server reads to make a page someone's own: with either, the page is not cached.
_STATEFUL_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
# Anonymous GETs under these are never pages: no cache lookup for them.
_NOT_PAGES = ("/api/", "/admin/", "/documents/", "/payments/", "/static/", "/media/")
_UNCACHEABLE = {"private", "no-cache", "no-store"}
HEADER = "X-Page-Cache"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        candidate = _candidate(request)
        if candidate is not None:
            cached = candidate.entry
            if cached is not None:
                return _from_cache(request, cached)
            request.page_cache = candidate
        if not request.path.startswith(_NOT_PAGES):
            _remember_site(request)
        response = self.get_response(request)
        if candidate is not None and candidate.opted_in:
            if _storable(request, response):
                _store(candidate, response)
            response[HEADER] = "miss"
        return _with_token(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve and getattr(request, "_wagtail_site_remembered", False):
            _remember_route(request, view_kwargs.get("path", view_args[0] if view_args else ""))


def _remember_site(request) -> None:
    """Wagtail's site for the request's host and port, as `Site.find_for_request` finds it, which
    keeps it on the request as `_wagtail_site`: remembered in this process under the generation
    (a site saved or deleted moves it), so that no page asks the database for it. Each request gets
    its own copy: nothing one request sets on the site or its root page reaches another. Left to
    Wagtail when neither cache is on, and when the database cannot be reached: the view then meets
    the error and answers 503 (config/unavailable.py)."""
    if not (enabled() or fragments_enabled()):
        return
    hostname, port = split_domain_port(request.get_host())[0], request.get_port()

    def find() -> Site | None:
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None
        site.root_page.specific  # noqa: B018 (loaded once here, rather than by every page's routing)
        return site

    try:
        site = remembered.get(("site", hostname, port), find)
    except DatabaseError:
        return
    request._wagtail_site = copy.deepcopy(site)
    request._wagtail_site_remembered = True


# A longer path is routed by Wagtail every time: made-up URLs must not fill what is remembered.
MAX_ROUTED_PATH = 300


def _remember_route(request, path: str) -> None:
    """The page Wagtail's `serve` view routes `path` to, as `Page.route_for_request` finds it, and
    the view restrictions Wagtail checks before serving it (`AnonymousPageCacheMixin`): remembered
    in this process under the generation, as the site is, so that routing a page asks the database
    nothing. A page published, unpublished or moved, and a view restriction saved or deleted, move
    the generation (signals.py).

    What is remembered is the page the path ends at and how deep it lies below the site's root;
    each request routes its own copy of that page through what is left of the path (a routable
    page's sub-route, such as a category of the catalogue: no query), which is what Wagtail's walk
    does last. A path that finds no page is routed by Wagtail, which answers 404."""
    site = request._wagtail_site
    if site is None or len(path) > MAX_ROUTED_PATH:
        return  # no site for the host: Wagtail answers 404
    components = tuple(component for component in path.split("/") if component)

    def find():
        try:
            root = site.root_page.localized.specific
            page = root.route(request, list(components))[0]
        except Http404:
            return None
        below = page.depth - root.depth
        if not 0 <= below <= len(components) or (below and components[below - 1] != page.slug):
            return None  # not found by its own path (an alias elsewhere, another locale's tree)
        # A copy: this request goes on with the pages it routed through (its own site's root).
        return copy.deepcopy(page), below, list(page.get_view_restrictions())

    try:
        found = routes.get((site.pk, get_language(), components), find)
    except DatabaseError:
        return
    if found is None:
        return
    page, below, restrictions = found
    page = copy.deepcopy(page)
    try:
        result = page.route(request, list(components[below:]))
    except Http404:
        return
    result[0]._remembered_view_restrictions = restrictions
    request._wagtail_route_for_request = result


def _candidate(request) -> Candidate | None:
    """A request the cache may answer: an anonymous GET or HEAD that carries no state of its own."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return None
    if any(name in request.COOKIES for name in _STATEFUL_COOKIES) or "HTTP_AUTHORIZATION" in request.META:
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH or query.count("&") >= MAX_PARAMETERS:
        return None
    if request.path.startswith(_NOT_PAGES):
        return None
    key = _key(request)
    try:
        current, entry = lookup(key)
    except Exception as error:  # an unreachable cache serves pages uncached, never an error
        logger.warning("Page cache unavailable: %s", error)
        return None
    return Candidate(key=key, generation=current, entry=entry)


def _key(request) -> str:
    """Everything that makes two anonymous requests for an opted-in page differ. The query string is
    kept as sent (its order shows in the page's links); the middleware and the view bound it."""
    parts = (
        timezone.localdate().isoformat(),
        request.scheme,
        request.get_host(),
        get_language(),
        request.path,
        request.META.get("QUERY_STRING", ""),
    )
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "backslashreplace")).hexdigest()
    return f"pagecache:page:{digest}"


def _storable(request, response) -> bool:
    """A page rendered for nobody in particular: a 200 HTML page for an anonymous user, which set
    no cookie, wrote nothing into the session and is not marked private or uncacheable."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.has_header("Vary"):  # varies on something the key does not hold
        return False
    cache_control = {
        part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & _UNCACHEABLE:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    return session is None or not session.modified


def _store(candidate: Candidate, response) -> None:
    headers = dict(response.items())
    try:
        keep(candidate.key, (candidate.generation, headers, response.content))
    except Exception as error:
        logger.warning("Could not store a page in the page cache: %s", error)


def _from_cache(request, entry) -> HttpResponse:
    _generation, headers, content = entry
    response = HttpResponse(_token_in(request, content), headers=headers)
    response[HEADER] = "hit"
    return response


def _with_token(request, response):
    if not response.streaming:
        content = response.content
        with_token = _token_in(request, content)
        if with_token is not content:
            response.content = with_token
    return response


def _token_in(request, content: bytes) -> bytes:
    """The page with the visitor's own CSRF token for the placeholder (the CSRF middleware above then
    sets their cookie, as it does for any page with a form)."""
    if CSRF_PLACEHOLDER_BYTES not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER_BYTES, visitor_token(request).encode())


# --- the visitor's CSRF token -----------------------------------------------------------------------
# Django's get_token() draws each character of a new secret and of the mask with its own call to
# the OS's random source (get_random_string): 64 calls for a visitor without a CSRF cookie, which
# was two thirds of what serving a page from the cache cost (0.17 of 0.26 ms in a profile). This
# gives the same token, by the same rules, from one call per string; the tests check that Django's
# CSRF middleware accepts it and that it unmasks to the visitor's cookie.

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_UNBIASED = 256 - 256 % len(_CHARS)  # bytes below this map to every character equally often


def _random_string(length: int) -> str:
    chars: list[str] = []
    while len(chars) < length:
        chars += [_CHARS[byte % len(_CHARS)] for byte in secrets.token_bytes(length + 8) if byte < _UNBIASED]
    return "".join(chars[:length])


def visitor_token(request) -> str:
    """What django.middleware.csrf.get_token(request) returns, and with the same side effects: the
    visitor's secret (from their cookie, or a new one) masked with a fresh mask, and the cookie
    marked to be sent. Below CsrfViewMiddleware, a cookie's secret in META is already checked."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        secret = _random_string(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_string(CSRF_SECRET_LENGTH)
    cipher = "".join(_CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in zip(secret, mask, strict=True))
    return mask + cipher
