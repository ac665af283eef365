"""503 "try again in a moment" while the database cannot be reached, never a 500 traceback page.

When PostgreSQL restarts (or fails over, or refuses connections) every query raises Django's
OperationalError or InterfaceError. Those are not bugs in the request: the answer is 503 with
Retry-After, as HTML, or as `{"detail": ...}` under /api/, and a one-line warning in the log. The
next request gets a fresh connection (settings: CONN_HEALTH_CHECKS), so the site recovers by itself.

Two places catch them: the middleware, for views and their templates (where nearly every query
runs), and `server_error`, Django's handler500, for the rest (another middleware's query, such as
saving the session). The 503 page is rendered without the request's context processors, which
would query the database again.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = (OperationalError, InterfaceError)


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, UNAVAILABLE)


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again in a moment.")}, status=503
        )
    else:
        try:
            body = render_to_string("503.html")
        except Exception:  # the page must answer even if its template cannot be rendered
            logger.exception("The 503 page could not be rendered")
            body = "Service briefly unavailable. Please try again in a moment."
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 for a database error raised outside a view, Django's 500 for anything else."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request, template_name)
