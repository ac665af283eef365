"""The public API under /api/v1/ (django-ninja); OpenAPI at /api/v1/docs.

Every client error answers with a JSON body whose `detail` is a readable message.
Invalid parameters are 400 (not ninja's default 422), the same status the
endpoints use for values that parse but mean nothing (an unknown province);
`errors` keeps the per-field list for programs.
"""

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


api.add_router("/", "catalog.api.router")
api.add_router("/", "catalog.search_api.router")
api.add_router("/", "fairs.api.router")
