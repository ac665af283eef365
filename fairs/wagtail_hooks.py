"""Admin integration for fairs: each fair's page rights follow its organisers."""

from wagtail import hooks

from . import services
from .models import FairPage


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def keep_organiser_access(request, page):
    if page.specific_class is FairPage:
        services.fair_grant_organiser_access(fair=page.specific)
