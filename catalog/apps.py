from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from . import converters, signal_handlers
        from .page_cache import signals as page_cache_signals
        from .search import cooperatives, signals

        converters.register()
        cooperatives.register()
        signals.connect()
        page_cache_signals.connect()
        signal_handlers.connect()
        _attach_admin_forms()


def _attach_admin_forms() -> None:
    """Wagtail reads a page type's admin form from `base_form_class`; set here, once the apps are
    loaded, so that the models never import forms (the import contracts in pyproject.toml)."""
    from .models import CooperativePage, ProductPage
    from .page_forms import CooperativePageForm, ProductPageForm

    CooperativePage.base_form_class = CooperativePageForm
    ProductPage.base_form_class = ProductPageForm
