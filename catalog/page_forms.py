"""Admin forms of the catalogue pages (set as their `base_form_class`).

Kept apart from catalog/forms.py, whose image forms cannot be imported while models load.
"""

from django import forms
from django.apps import apps
from wagtail.admin.forms import WagtailAdminPageForm


class WardSelect(forms.Select):
    """A ward list that follows its province list: static/js/ward-picker.js refills it on change."""

    def __init__(self, *, province_field: str, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-ward-picker": province_field})

    class Media:
        js = ["js/ward-picker.js"]


class PlacePageForm(WagtailAdminPageForm):
    """Offers only the wards and communes of the chosen province.

    The whole country has 3,321 of them: one list of all is unusable on a phone and
    made every editor page slow to render. A posted ward is still checked against
    its province by the model's clean().
    """

    ward_fields: dict[str, str] = {}  # ward field -> its province field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ward_model = apps.get_model("catalog", "Ward")
        for ward_field, province_field in self.ward_fields.items():
            if ward_field not in self.fields:
                continue
            province_id = self._chosen(province_field)
            field = self.fields[ward_field]
            field.queryset = ward_model.objects.filter(province_id=province_id).order_by("name")
            field.widget = WardSelect(province_field=self.add_prefix(province_field))
            field.widget.choices = field.choices

    def _chosen(self, province_field: str) -> str | None:
        if self.is_bound:
            return self.data.get(self.add_prefix(province_field)) or None
        return self.initial.get(province_field) or getattr(self.instance, f"{province_field}_id", None)


class CooperativePageForm(PlacePageForm):
    ward_fields = {"ward": "province"}


class ProductPageForm(PlacePageForm):
    ward_fields = {"origin_ward": "origin_province"}

    def _chosen(self, province_field: str) -> str | None:
        chosen = super()._chosen(province_field)
        if chosen or self.is_bound or self.instance.pk or self.parent_page is None:
            return chosen
        # A new product comes from its cooperative's province unless its staff say otherwise.
        chosen = getattr(self.parent_page.specific, "province_id", None)
        self.initial.setdefault(province_field, chosen)
        return chosen
