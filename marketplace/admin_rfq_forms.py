"""Forms of the admin's screens of requests for quotation: a cooperative's quote (its lines as a
formset, and its terms), a message to the buyer, and alliance staff's invitations.

As marketplace/admin_forms.py, they only read and check what staff typed, and hand the service
its dataclass (marketplace.services.quotes.QuoteData); the service decides. Quantities, days and
percentages are whole numbers typed as staff write them ("2000", "2.000"), never read the way
Django's IntegerField reads "2.000" (as 2).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models.pages import VatRate
from marketplace import pricing
from marketplace.admin_forms import VndField
from marketplace.models import PaymentTerms
from marketplace.selectors.api import MAX_ID
from marketplace.services import quotes as services
from marketplace.services.quotes import QuoteData, QuoteLineData
from marketplace.services.rfqs import MAX_INVITATIONS


class WholeNumberField(VndField):
    """A whole number from `min_value` to `max_value`, thousands separators allowed."""

    default_error_messages = {
        "invalid": _("Enter a whole number, e.g. 2000 or 2.000."),
        "min_value": _("Enter at least %(limit)s."),
        "max_value": _("Enter at most %(limit)s."),
    }


class QuoteLineForm(forms.Form):
    """One line: one of the cooperative's listed products (its name, unit and VAT rate are the
    product's), or goods described in free text with a unit and a VAT rate."""

    product = forms.ChoiceField(label=_("Product"), required=False)
    description = forms.CharField(
        label=_("Or describe the goods"),
        max_length=255,
        required=False,
        help_text=_("For goods the cooperative does not list."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    quantity = WholeNumberField(label=_("Quantity"), min_value=1, max_value=pricing.MAX_QUANTITY)
    unit_price_vnd = VndField(
        label=_("Unit price (đồng, VAT included)"), min_value=1, max_value=pricing.MAX_AMOUNT
    )
    vat_rate = forms.ChoiceField(label=_("VAT rate"), required=False, choices=[("", "—"), *VatRate.choices])

    def __init__(self, *args, products=(), rfq_unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [
            ("", _("— Goods not listed (describe them) —")),
            *((p.sku, f"{p.title} ({p.sku})") for p in products),
        ]
        self.fields["unit"].widget.attrs["placeholder"] = rfq_unit
        self.fields["unit"].help_text = _("The request's unit when left empty.")

    def clean(self):
        data = super().clean()
        if data.get("product"):
            # The product's own description, unit and VAT rate apply (the service sets them).
            data.update(description="", unit="", vat_rate="")
            return data
        if not (data.get("description") or "").strip() and "description" not in self.errors:
            self.add_error("description", _("Choose a product, or describe the goods."))
        if not data.get("vat_rate") and "vat_rate" not in self.errors:
            self.add_error("vat_rate", _("Choose the VAT rate of goods not listed."))
        return data

    def line(self) -> QuoteLineData:
        data = self.cleaned_data
        return QuoteLineData(
            quantity=data["quantity"],
            unit_price_vnd=data["unit_price_vnd"],
            sku=data.get("product") or "",
            description=(data.get("description") or "").strip(),
            unit=(data.get("unit") or "").strip(),
            vat_rate=data.get("vat_rate") or "",
        )


class BaseQuoteLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, products=(), rfq_unit: str = "", **kwargs):
        self.products, self.rfq_unit = products, rfq_unit
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"products": self.products, "rfq_unit": self.rfq_unit}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            products=self.products,
            rfq_unit=self.rfq_unit,
        )
        self.add_fields(form, None)
        return form

    def kept(self) -> list[QuoteLineForm]:
        """The filled lines not marked for removal."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.cleaned_data
        ]

    def clean(self):
        if any(self.errors):
            return
        if not self.kept():
            raise ValidationError(_("A quote needs at least one line."))


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm,
    formset=BaseQuoteLineFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=services.MAX_LINES,
    validate_max=True,
    absolute_max=services.MAX_LINES,
)


class QuoteTermsForm(forms.Form):
    valid_until = forms.DateField(
        label=_("Valid until"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    lead_time_days = WholeNumberField(
        label=_("Lead time (days)"),
        min_value=0,
        max_value=services.MAX_LEAD_TIME_DAYS,
        help_text=_("Days from the order to delivery."),
    )
    payment_terms = forms.ChoiceField(
        label=_("Payment terms"), choices=PaymentTerms.choices, widget=forms.RadioSelect
    )
    deposit_percent = WholeNumberField(
        label=_("Deposit (%)"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("With a deposit only: the share paid by transfer before delivery."),
    )
    delivery_terms = forms.CharField(
        label=_("Delivery terms"),
        max_length=services.MAX_DELIVERY_TERMS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. delivered to the buyer's warehouse, in 50 kg bags."),
    )
    note = forms.CharField(
        label=_("Note to the buyer"),
        max_length=services.MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_from(cls, revision) -> dict:
        return {
            "valid_until": revision.valid_until,
            "lead_time_days": revision.lead_time_days,
            "payment_terms": revision.payment_terms,
            "deposit_percent": revision.deposit_percent,
            "delivery_terms": revision.delivery_terms,
            "note": revision.note,
        }

    def clean(self):
        data = super().clean()
        if data.get("payment_terms") == PaymentTerms.DEPOSIT:
            if data.get("deposit_percent") is None and "deposit_percent" not in self.errors:
                self.add_error("deposit_percent", _("Give the deposit as a percentage from 1 to 99."))
        else:
            # Left over from choosing a deposit first: only deposit terms have one.
            data["deposit_percent"] = None
            self.errors.pop("deposit_percent", None)
        return data


def lines_initial(revision) -> list[dict]:
    """A revision's lines as the formset's initial data (for revising the quote)."""
    return [
        {
            "product": line.sku,
            "description": "" if line.sku else line.description,
            "unit": "" if line.sku else line.unit,
            "quantity": line.quantity,
            "unit_price_vnd": line.unit_price_vnd,
            "vat_rate": "" if line.sku else line.vat_rate,
        }
        for line in revision.lines.all()
    ]


def quote_data(terms: QuoteTermsForm, lines: BaseQuoteLineFormSet) -> QuoteData:
    data = terms.cleaned_data
    return QuoteData(
        lines=[form.line() for form in lines.kept()],
        valid_until=data["valid_until"],
        lead_time_days=data["lead_time_days"],
        payment_terms=data["payment_terms"],
        deposit_percent=data["deposit_percent"],
        delivery_terms=data["delivery_terms"].strip(),
        note=data["note"].strip(),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the buyer"),
        max_length=services.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Email addresses and phone numbers are hidden until the buyer accepts your quote."),
        error_messages={"required": _("Write your message.")},
    )


class IdsField(forms.Field):
    """Several ids (positive whole numbers within a database id's range), at most `max_count`."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose the cooperatives from the list.")}

    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = []
        for item in values:
            text = str(item)
            if not (text.isascii() and text.isdigit() and len(text) < 20 and 1 <= int(text) <= MAX_ID):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        ids = list(dict.fromkeys(ids))
        if len(ids) > self.max_count:
            raise ValidationError(
                _("Invite at most %(count)s cooperatives at a time."),
                code="max_count",
                params={"count": self.max_count},
            )
        return ids


class InviteForm(forms.Form):
    """The cooperatives to invite, by id (whether the user may invite them is asked afterwards)."""

    cooperatives = IdsField(
        max_count=MAX_INVITATIONS,
        error_messages={"required": _("Choose at least one cooperative to invite.")},
    )
