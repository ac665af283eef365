"""The one way to read a signed agreement's document: this view, after fairs.permissions says yes.

The documents are in the private storage (catalog/storage.py) under random names and have
no URL of their own. The file is streamed from the storage as an attachment, never cached
by a browser or a proxy, and never sniffed into something a browser would run.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import permissions
from ..models import Agreement


@login_required
@require_GET
def agreement_document(request, fair_id: int, agreement_id: int):
    agreement = get_object_or_404(
        Agreement.objects.select_related("fair", "buyer", "supplier__cooperative"),
        fair_id=fair_id,
        pk=agreement_id,
    )
    if not permissions.can_view_agreement_document(request.user, agreement):
        raise PermissionDenied(_("Only the agreement's parties and the fair's organisers can read it."))
    document = agreement.document
    if not document or not document.storage.exists(document.name):
        raise Http404("This agreement has no document")
    filename = agreement.document_name or document.name.rsplit("/", 1)[-1]
    response = FileResponse(document.storage.open(document.name, "rb"), as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response
