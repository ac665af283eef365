"""The page chooser's "chosen" answer, limited to the pages the user may see in the chooser.

Wagtail's `choose-page/chosen-multiple/` view returns the admin title of any page id it is
given, and never calls the `construct_page_chooser_queryset` hook that limits the other
chooser views (catalog/wagtail_hooks.py). config/urls.py routes that address here, before
Wagtail's admin URLs, so a cooperative's staff cannot read another cooperative's draft
titles by id, and a malformed id is a 404 rather than a 500.
"""

from django.http import Http404
from wagtail.admin.views.chooser import ChosenMultipleView

from .converters import MAX_ID
from .permissions import pages_visible_in_chooser


def _valid_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID


class VisibleChosenPagesView(ChosenMultipleView):
    def get(self, request):
        ids = request.GET.getlist("id")
        if not all(_valid_id(value) for value in ids):
            raise Http404
        shown = pages_visible_in_chooser(request.user)
        if shown is not None:
            visible = {str(pk) for pk in shown.filter(pk__in=ids).values_list("pk", flat=True)}
            query = request.GET.copy()
            query.setlist("id", [value for value in ids if value in visible])
            request.GET = query
        return super().get(request)
