from django.apps import AppConfig


class FairsConfig(AppConfig):
    name = "fairs"
    verbose_name = "Fairs"

    def ready(self):
        # The fair page's admin form is set here, once the apps are loaded, so that the models
        # never import forms (the import contracts in pyproject.toml).
        from .models import FairPage
        from .page_forms import FairPageForm

        FairPage.base_form_class = FairPageForm
