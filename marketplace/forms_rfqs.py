"""The forms of the supply–demand pages: the board's filters, posting a request for quotation,
inviting a cooperative, accepting a quote and writing in a thread.

As marketplace/forms.py, they only parse what was sent and hand the services their arguments (an
RfqData, a ShippingAddress, a message); the rules (deadlines, limits, who may do what, masking
contacts) are the services', whose ValidationErrors the views put back on these forms.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, CooperativeCertification, Province
from catalog.places import UnknownProvince, resolve_province
from catalog.search import SearchQueryError
from catalog.search.query import clean_text
from marketplace.forms import MAX_ID, CheckoutForm
from marketplace.models import BuyerDemand, BuyerKind
from marketplace.services import quotes as quote_services
from marketplace.services import rfqs as rfq_services
from marketplace.services.checkout import ShippingAddress

# The deadline a new request proposes, in days from today.
DEFAULT_DEADLINE_DAYS = 14
# What the fairs' "Send an RFQ" link (and anyone) may fill in through the query string:
# parameter → form field.
PREFILL = {
    "title": "title",
    "quantity": "quantity",
    "unit": "unit",
    "category": "category",
    "province": "delivery_province",
    "per_month": "per_month",
    "target_price_vnd": "target_price_vnd",
    "details": "details",
}
SCHEMES = [
    (value, label)
    for value, label in CooperativeCertification.Scheme.choices
    if value != CooperativeCertification.Scheme.OTHER
]
PER_MONTH, ONE_OFF = "1", "0"


def category_choices(categories: list[Category]) -> list[tuple[str, str]]:
    """(slug, name) of each product group followed by its subcategories (indented), in the active
    language; `categories` come with their groups (marketplace.selectors.board.categories)."""
    language = get_language()
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    choices = []
    for group in (category for category in categories if not category.parent_id):
        choices.append((group.slug, group.label(language)))
        choices += [(child.slug, f"— {child.label(language)}") for child in children.get(group.pk, [])]
    return choices


def _province(code: str | None) -> Province | None:
    if not code:
        return None
    try:
        return resolve_province(code)
    except UnknownProvince:
        return None


class _Places:
    """A form with a category list and a province list, and the objects behind the chosen ones."""

    def _set_places(self, categories: list[Category], provinces, blank_label: str) -> None:
        self._categories = {category.slug: category for category in categories}
        blank = [("", blank_label)]
        self.fields["category"].choices = blank + category_choices(categories)
        province_field = "province" if "province" in self.fields else "delivery_province"
        self.fields[province_field].choices = blank + list(provinces)

    def chosen_category(self) -> Category | None:
        return self._categories.get(self.cleaned_data.get("category") or "")


class BoardFilterForm(_Places, forms.Form):
    """The board's search and filters (GET): words, category, province, at least N units."""

    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    province = forms.ChoiceField(label=_("Province or city"), required=False)
    quantity = forms.IntegerField(
        label=_("At least (units)"),
        min_value=1,
        max_value=rfq_services.MAX_QUANTITY,
        required=False,
        error_messages={"invalid": _("Enter a whole number of units.")},
    )

    def __init__(self, *args, categories: list[Category], provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_places(categories, provinces, gettext("All"))
        self.fields["quantity"].widget.attrs.update({"inputmode": "numeric", "step": "1"})

    def clean_q(self) -> str:
        """The words go to the search service: its operators are refused with the plain words."""
        try:
            return clean_text(self.cleaned_data.get("q") or "")
        except SearchQueryError as error:
            raise forms.ValidationError(str(error)) from error

    def filters(self) -> dict:
        """The filters that are valid (an invalid one filters nothing), as the selectors take them."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            "category": self.chosen_category() if data.get("category") else None,
            "province": _province(data.get("province")),
            "text": data.get("q") or "",
            "min_quantity": data.get("quantity"),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().values())


class RfqForm(_Places, forms.Form):
    """A request for quotation (yêu cầu báo giá): what, how much, when, where, for what price."""

    title = forms.CharField(
        label=_("What do you want to buy?"),
        max_length=rfq_services.MAX_TITLE,
        help_text=_("e.g. Gạo ST25, nước mắm cốt nhĩ"),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    details = forms.CharField(
        label=_("Details"),
        max_length=rfq_services.MAX_DETAILS,
        required=False,
        help_text=_("Quality, packing, delivery schedule: what the cooperatives need to know to quote."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=rfq_services.MAX_QUANTITY,
        error_messages={"invalid": _("Enter a whole number of units.")},
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=rfq_services.MAX_UNIT, help_text=_("e.g. kg, tấn, chai")
    )
    per_month = forms.TypedChoiceField(
        label=_("How often"),
        choices=[(PER_MONTH, _("Every month")), (ONE_OFF, _("Once"))],
        coerce=lambda value: value == PER_MONTH,
        initial=PER_MONTH,
        widget=forms.RadioSelect,
    )
    target_price_vnd = forms.IntegerField(
        label=_("Target price per unit (đồng)"),
        min_value=0,
        max_value=rfq_services.MAX_TARGET_PRICE_VND,
        required=False,
        help_text=_("Optional. Cooperatives see it; quotes at or below it are marked."),
        error_messages={"invalid": _("Enter a whole number of đồng.")},
    )
    delivery_province = forms.ChoiceField(
        label=_("Deliver to (province)"),
        error_messages={"required": _("Say where the goods are to be delivered.")},
    )
    deadline = forms.DateField(
        label=_("Quotes until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees the request"),
        choices=BuyerDemand.Visibility.choices,
        initial=BuyerDemand.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Your name is never shown on the board; a cooperative learns it when you accept its quote."
        ),
    )
    min_ocop_stars = forms.TypedChoiceField(
        label=_("OCOP stars, at least"),
        choices=[("", pgettext_lazy("OCOP stars, at least", "Any")), (3, "3 ★"), (4, "4 ★"), (5, "5 ★")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    required_certifications = forms.MultipleChoiceField(
        label=_("Required certifications"),
        choices=SCHEMES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    company_kind = forms.ChoiceField(
        label=_("Your business"),
        choices=[("", pgettext_lazy("business kind", "Not said")), *BuyerKind.choices],
        required=False,
    )

    def __init__(self, *args, categories: list[Category], provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_places(categories, provinces, gettext("Choose…"))
        today = timezone.localdate()
        self.fields["deadline"].help_text = gettext(
            "The last day cooperatives can quote, at most %(days)s days ahead."
        ) % {"days": rfq_services.MAX_DEADLINE_DAYS}
        self.fields["deadline"].widget.attrs.update(
            {
                "min": (today + datetime.timedelta(days=1)).isoformat(),
                "max": (today + datetime.timedelta(days=rfq_services.MAX_DEADLINE_DAYS)).isoformat(),
            }
        )
        for name in ("quantity", "target_price_vnd"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "step": "1"})
        if not self.is_bound and "deadline" not in self.initial:
            self.initial["deadline"] = today + datetime.timedelta(days=DEFAULT_DEADLINE_DAYS)

    @classmethod
    def prefilled(cls, query, **kwargs) -> RfqForm:
        """An unbound form filled in from the query string's PREFILL parameters; a value this form
        would refuse is left out, silently (the link may come from anywhere)."""
        given = {
            field: query.get(name) for name, field in PREFILL.items() if query.get(name) not in (None, "")
        }
        probe = cls(data=given, **kwargs)
        probe.is_valid()
        initial = {field: value for field, value in given.items() if field not in probe.errors}
        return cls(initial=initial, **kwargs)

    def data_for_service(self) -> rfq_services.RfqData:
        data = self.cleaned_data
        return rfq_services.RfqData(
            title=data["title"],
            category=self.chosen_category(),
            details=data.get("details", ""),
            quantity=data["quantity"],
            unit=data["unit"],
            per_month=data["per_month"],
            target_price_vnd=data.get("target_price_vnd"),
            required_certifications=list(data.get("required_certifications") or ()),
            min_ocop_stars=data.get("min_ocop_stars"),
            delivery_province=_province(data["delivery_province"]),
            deadline=data["deadline"],
            visibility=data["visibility"],
            company_kind=data.get("company_kind") or "",
        )


class InviteForm(forms.Form):
    """One cooperative to invite, by its tax code."""

    cooperative = forms.CharField(max_length=20, widget=forms.HiddenInput)


class AcceptQuoteForm(CheckoutForm):
    """Accepting a quote: where to deliver (checkout's address fields), a note, the revision the
    buyer saw, and an explicit "yes"."""

    payment_method = None  # the quote's payment terms decide
    note = forms.CharField(
        label=_("Note for the cooperative"),
        required=False,
        max_length=quote_services.MAX_ACCEPT_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I accept this quote and place the order at its prices and terms."),
        error_messages={"required": _("Confirm that you accept the quote.")},
    )

    def shipping(self) -> ShippingAddress:
        data = self.cleaned_data
        return ShippingAddress(
            name=data["name"],
            phone=data["phone"],
            province=data["province"],
            ward=data["ward"],
            address=data["address"],
        )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=quote_services.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Email addresses and phone numbers are hidden until a quote is accepted."),
        error_messages={"required": _("Write a message first.")},
    )
