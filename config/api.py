"""The public API under /api/v1/ (django-ninja); OpenAPI at /api/v1/docs.

Every client error answers with a JSON body whose `detail` is a readable message.
Invalid parameters are 400 (not ninja's default 422), the same status the
endpoints use for values that parse but mean nothing (an unknown province);
`errors` keeps the per-field list for programs.

The domain's own exceptions are mapped here, once, so routes never catch them:
a service's `ValidationError` is 400 with its messages, `PermissionDenied` 403,
and a selector's `ObjectDoesNotExist` (any model's DoesNotExist) 404.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DomainValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

api = NinjaAPI(
    title="Cooperative trade platform API",
    version="1",
    urls_namespace="api-v1",
)


def _describe(error: dict) -> str:
    # loc is (source, field, ...), e.g. ("query", "page"); the source is noise to a reader.
    field = ".".join(str(part) for part in error.get("loc", ())[1:])
    message = str(error.get("msg", "invalid value"))
    return f"{field}: {message}" if field else message


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    return api.create_response(
        request,
        {"detail": "; ".join(_describe(e) for e in exc.errors) or "Invalid input.", "errors": exc.errors},
        status=400,
    )


def _detail(request, message: str, status: int, **extra):
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(DomainValidationError)
def refused_input(request, exc: DomainValidationError):
    messages = list(exc.messages)
    return _detail(request, " ".join(messages) or _("Invalid input."), 400, errors=messages)


@api.exception_handler(PermissionDenied)
def refused_person(request, exc: PermissionDenied):
    return _detail(request, str(exc) or _("You may not do this."), 403)


@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc: ObjectDoesNotExist):
    return _detail(request, str(exc) or _("Not found."), 404)


api.add_router("/", "catalog.api.router")
api.add_router("/", "catalog.search_api.router")
api.add_router("/", "fairs.api.router")
api.add_router("/", "marketplace.api.router")
api.add_router("/", "marketplace.api_rfqs.router")
api.add_router("/", "marketplace.api_quotes.router")
api.add_router("/", "marketplace.api_market.router")
