from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")

    def ready(self):
        from django.db.models.signals import post_save

        from catalog.page_cache.signals import pages_changed

        from .models import PlatformSettings

        # The footer of every page shows them: cached pages and the remembered copy retire.
        post_save.connect(pages_changed, sender=PlatformSettings, dispatch_uid="page-cache-platform-settings")
