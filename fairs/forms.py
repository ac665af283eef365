"""Participants' forms: registration (buyer or cooperative), demands and meeting requests.

Forms only parse and check input; fairs.services decides and writes.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from catalog.converters import MAX_ID
from catalog.models import Category, CooperativeCertification, ProductPage, Province
from catalog.places import UnknownProvince, resolve_province

from . import services
from .models import BuyerDemand, FairPage, Participant

MAX_REPRESENTATIVES = 3


# --- ids ------------------------------------------------------------------------------------------
# A posted id beyond what a database key holds (10^30) must be a form error, not an
# OverflowError from the driver: these fields refuse it before any query.


def _fits_a_key(value) -> bool:
    try:
        return 0 < int(str(value)) <= MAX_ID
    except (TypeError, ValueError):
        return True  # not a number at all: Django's own checks refuse it


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _fits_a_key(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not _fits_a_key(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class ProvinceField(forms.CharField):
    """A province typed as a code or a name, with or without diacritics (see catalog.places)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "province-names", "autocomplete": "off"})

    def prepare_value(self, value):
        return value.name if isinstance(value, Province) else value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return resolve_province(value)
        except UnknownProvince as error:
            raise forms.ValidationError(str(error), code="unknown_province") from error


def slot_choices(fair: FairPage) -> list:
    """The fair's slots as checkbox choices grouped by session: [(session, [(key, "08:30–08:50")])]."""
    groups: dict[int, tuple[str, list]] = {}
    sessions = {session.pk: session for session in fair.sessions.all()}
    for slot in fair.slots():
        session = sessions[slot.session_id]
        label = f"{session.name} ({session.date:%d/%m/%Y})"
        start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
        groups.setdefault(slot.session_id, (label, []))[1].append((slot.key, f"{start:%H:%M}–{end:%H:%M}"))
    return list(groups.values())


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


RepresentativeFormSet = forms.formset_factory(
    RepresentativeForm,
    extra=MAX_REPRESENTATIVES - 1,
    min_num=1,
    max_num=MAX_REPRESENTATIVES,
    validate_min=True,
    validate_max=True,
)


class RegistrationForm(forms.Form):
    """What buyers and cooperatives both give: their meeting slots (and representatives, in a formset)."""

    available_slots = forms.MultipleChoiceField(
        label=_("When you can meet"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Untick the slots when nobody from your side can be at the tables."),
    )

    def __init__(self, *args, fair: FairPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fair = fair
        choices = slot_choices(fair)
        self.slot_groups = choices
        self.all_slots = [key for _label, group in choices for key, _time in group]
        if choices:
            self.fields["available_slots"].choices = choices
            self.fields["available_slots"].initial = self.all_slots
        else:
            del self.fields["available_slots"]

    def clean_available_slots(self):
        chosen = self.cleaned_data["available_slots"]
        if not chosen:
            raise forms.ValidationError(_("Choose at least one slot when you can meet."), code="no_slots")
        # Every slot ticked is stored as "every slot", so a session added later is included.
        return [] if set(chosen) == set(self.all_slots) else chosen

    def registration_data(self, representatives, **extra) -> services.RegistrationData:
        return services.RegistrationData(
            representatives=[services.RepresentativeData(**row) for row in representatives],
            available_slots=self.cleaned_data.get("available_slots", []),
            **extra,
        )


class BuyerRegistrationForm(RegistrationForm):
    name = forms.CharField(label=_("Company or business name"), max_length=255)
    buyer_kind = forms.ChoiceField(label=_("Kind of buyer"), choices=Participant.BuyerKind.choices)
    province = ProvinceField(
        label=_("Province or city"),
        required=False,
        help_text=_("A code such as 01 or 79, or a name such as Hà Nội."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        initial="VN",
        help_text=_(
            "Two-letter code, e.g. VN, JP, KR. Buyers from abroad give their country instead of a province."
        ),
    )

    field_order = ["name", "buyer_kind", "province", "country", "available_slots"]

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if not country.isalpha():
            raise forms.ValidationError(_("Use a two-letter country code such as VN."), code="country")
        return country

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("country") == "VN" and not cleaned.get("province") and "province" not in self.errors:
            self.add_error("province", _("Give your province, or your country if you buy from abroad."))
        return cleaned

    def data_for_service(self, representatives) -> services.RegistrationData:
        return self.registration_data(
            representatives,
            name=self.cleaned_data["name"],
            buyer_kind=self.cleaned_data["buyer_kind"],
            province=self.cleaned_data["province"],
            country=self.cleaned_data["country"],
        )


class CooperativeRegistrationForm(RegistrationForm):
    booth = forms.ChoiceField(label=_("Booth"), choices=Participant.Booth.choices, required=False)
    booth_area_m2 = forms.IntegerField(label=_("Booth area (m²)"), min_value=1, max_value=500, required=False)
    showcased_products = BoundedModelMultipleChoiceField(
        label=_("Products to showcase"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("They appear in your virtual booth on the fair's page."),
    )
    supply_quantity = forms.IntegerField(
        label=_("Can supply per month"), min_value=1, max_value=2_000_000_000, required=False
    )
    supply_unit = forms.CharField(
        label=_("Unit"), max_length=30, required=False, help_text=_("e.g. kg, tấn, chai")
    )
    delivery_provinces = forms.ModelMultipleChoiceField(
        label=_("Delivers to"),
        queryset=Province.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = [
        "booth",
        "booth_area_m2",
        "showcased_products",
        "supply_quantity",
        "supply_unit",
        "delivery_provinces",
        "available_slots",
    ]

    def __init__(self, *args, fair: FairPage, products, **kwargs):
        super().__init__(*args, fair=fair, **kwargs)
        language = get_language()
        field = self.fields["showcased_products"]
        field.queryset = products
        field.label_from_instance = lambda product: product.display_name(language)
        if not fair.has_booths:
            del self.fields["booth"]
            del self.fields["booth_area_m2"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("supply_quantity") and not cleaned.get("supply_unit"):
            self.add_error("supply_unit", _("Give the unit of the quantity."))
        if cleaned.get("booth_area_m2") and not cleaned.get("booth"):
            self.add_error("booth", _("Choose a booth type for the area."))
        return cleaned

    def data_for_service(self, representatives) -> services.RegistrationData:
        return self.registration_data(
            representatives,
            booth=self.cleaned_data.get("booth", ""),
            booth_area_m2=self.cleaned_data.get("booth_area_m2"),
            showcased_products=list(self.cleaned_data["showcased_products"]),
            supply_quantity=self.cleaned_data["supply_quantity"],
            supply_unit=self.cleaned_data["supply_unit"].strip(),
            delivery_provinces=list(self.cleaned_data["delivery_provinces"]),
        )


class CategoryChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, category):
        label = category.label(get_language())
        return f"— {label}" if category.parent_id else label


class DemandForm(forms.Form):
    """A buyer's demand at a fair (nhu cầu mua)."""

    title = forms.CharField(
        label=_("What do you want to buy?"), max_length=200, help_text=_("e.g. Gạo ST25, nước mắm cốt nhĩ")
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("sort_order", "name"),
        required=False,
    )
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=2_000_000_000)
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("e.g. kg, tấn, chai"))
    per_month = forms.BooleanField(label=_("Every month"), required=False, initial=True)
    target_price_vnd = forms.IntegerField(
        label=_("Target price per unit (đồng)"), min_value=0, max_value=10**12, required=False
    )
    required_certifications = forms.MultipleChoiceField(
        label=_("Required certifications"),
        choices=CooperativeCertification.Scheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    min_ocop_stars = forms.TypedChoiceField(
        label=_("OCOP stars, at least"),
        choices=[("", pgettext_lazy("OCOP stars, at least", "Any")), (3, "3 ★"), (4, "4 ★"), (5, "5 ★")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    delivery_province = ProvinceField(label=_("Deliver to (province)"), required=False)
    needed_from = forms.DateField(
        label=_("Needed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    needed_until = forms.DateField(
        label=_("Needed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, participant: Participant, **kwargs):
        kwargs.setdefault("prefix", f"demand-{participant.pk}")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("needed_from"), cleaned.get("needed_until")
        if start and end and end < start:
            self.add_error("needed_until", _("The end of the time frame is before its start."))
        return cleaned

    def data_for_service(self) -> services.DemandData:
        return services.DemandData(**self.cleaned_data)


class MeetingRequestForm(forms.Form):
    recipient = IdField()
    message = forms.CharField(
        label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    demand = BoundedModelChoiceField(label=_("About the demand"), queryset=None, required=False)
    product = BoundedModelChoiceField(queryset=None, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fair: FairPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand"].queryset = BuyerDemand.objects.filter(fair_entry__participant__fair=fair)
        # Published products of the fair's approved cooperatives; the service then checks
        # that the product is the supplying side's own (services.meeting_request_create).
        self.fields["product"].queryset = ProductPage.objects.live().filter(
            cooperative__fair_registrations__fair=fair,
            cooperative__fair_registrations__status=Participant.Status.APPROVED,
        )


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class InterestForm(forms.Form):
    other = IdField()
    interested = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
