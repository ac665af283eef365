from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from . import converters, signal_handlers
        from .search import signals

        converters.register()
        signals.connect()
        signal_handlers.connect()
