"""Forms of the cooperative staff's admin screens: order actions and terms of sale.

They only read and check what staff typed; the services (marketplace/services/, catalog.services)
decide whether the change may happen. Amounts are whole đồng typed as staff write them
("150000", "150.000", "150,000", "150 000 đ"): anything else is a form error, never a guess,
because Django's IntegerField would read "150.000" as 150.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models import CooperativeTerms
from catalog.models.trading import MAX_FEE_VND
from marketplace.models import Order, PaymentMethod
from marketplace.payments.banks import BANKS

_PLAIN = re.compile(r"[0-9]{1,16}")
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[., ])[0-9]{3}(?:(?P=sep)[0-9]{3}){0,4}")
OTHER_BANK = "other"


class VndField(forms.CharField):
    """A whole number of đồng from `min_value` to `max_value`, thousands separators allowed."""

    default_error_messages = {
        "invalid": _("Enter a whole number of đồng, e.g. 150000 or 150.000."),
        "min_value": _("Enter at least %(limit)s đ."),
        "max_value": _("Enter at most %(limit)s đ."),
    }

    # What anyone types for an amount fits in this; longer input is refused before it is read.
    MAX_CHARS = 30

    def __init__(self, *, min_value: int = 0, max_value: int, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": self.MAX_CHARS}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > self.MAX_CHARS:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        text = text.removesuffix("₫").removesuffix("đ").removesuffix("VND").strip()
        if _PLAIN.fullmatch(text):
            number = int(text)
        elif _GROUPED.fullmatch(text):
            number = int(re.sub(r"[., ]", "", text))
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if number < self.min_value:
            raise ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit": self.min_value}
            )
        if number > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit": self.max_value}
            )
        return number


# --- order actions -----------------------------------------------------------------------------


class OrderActionForm(forms.Form):
    def __init__(self, *args, order: Order, refundable_vnd: int = 0, **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)


class ConfirmForm(OrderActionForm):
    pass


class ShipForm(OrderActionForm):
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=100,
        required=False,
        help_text=_("E.g. Viettel Post, GHN, VNPost, or the cooperative's own delivery."),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.order.shipping_method != CooperativeTerms.Shipping.PICKUP:
            self.fields["carrier"].required = True
            self.fields["carrier"].error_messages["required"] = _("Name the carrier.")


class DeliverForm(OrderActionForm):
    cash_collected = forms.BooleanField(
        label=_("Cash collected"),
        required=True,
        help_text=_("Tick when the buyer's cash is in hand: the order is then marked paid."),
        error_messages={"required": _("Confirm that the cash was collected.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.needs_cash:
            del self.fields["cash_collected"]

    @property
    def needs_cash(self) -> bool:
        return self.order.payment_method == PaymentMethod.COD and not self.order.paid


class CancelForm(OrderActionForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The buyer reads it in the cancellation email."),
        error_messages={"required": _("Tell the buyer why the order is cancelled.")},
    )


class RefundForm(OrderActionForm):
    amount_vnd = VndField(label=_("Amount (đồng)"), min_value=1, max_value=10**15)
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=100,
        required=False,
        help_text=_("The reference of the transfer that paid the money back to the buyer."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, refundable_vnd: int = 0, **kwargs):
        super().__init__(*args, refundable_vnd=refundable_vnd, **kwargs)
        self.refundable_vnd = refundable_vnd
        amount = self.fields["amount_vnd"]
        amount.max_value = max(refundable_vnd, 1)
        amount.initial = refundable_vnd or None
        if self.order.payment_method == PaymentMethod.CARD:
            del self.fields["reference"]
        else:
            self.fields["reference"].required = True
            self.fields["reference"].error_messages["required"] = _(
                "Pay the buyer back from the cooperative's account first, then enter that transfer's reference."
            )


class RefundReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=100,
        error_messages={"required": _("Enter the bank reference of the refund transfer.")},
    )


# --- terms of sale -----------------------------------------------------------------------------


def bank_choices() -> list[tuple[str, str]]:
    known = sorted(BANKS.items(), key=lambda item: item[1].lower())
    return [
        ("", _("No bank account")),
        *((code, f"{name} ({code})") for code, name in known),
        (OTHER_BANK, _("Another bank (enter its BIN)")),
    ]


class TermsForm(forms.Form):
    bank = forms.ChoiceField(label=_("Bank"), required=False, choices=bank_choices)
    bank_bin_other = forms.CharField(
        label=_("Bank BIN"),
        required=False,
        max_length=6,
        help_text=_("Only for a bank not in the list: its 6-digit NAPAS BIN."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account = forms.CharField(
        label=_("Account number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    bank_account_name = forms.CharField(
        label=_("Account holder name"),
        required=False,
        max_length=70,
        help_text=_("As the bank shows it, e.g. HTX MAT ONG MOC CHAU."),
    )
    shipping = forms.ChoiceField(
        label=_("Shipping"), choices=CooperativeTerms.Shipping.choices, widget=forms.RadioSelect
    )
    shipping_fee_vnd = VndField(label=_("Shipping fee (đồng)"), required=False, max_value=MAX_FEE_VND)
    free_shipping_from_vnd = VndField(
        label=_("Free shipping from (đồng)"),
        required=False,
        min_value=1,
        max_value=MAX_FEE_VND,
        help_text=_("Only with 'Flat fee, free above an amount': orders from this subtotal ship free."),
    )
    cash_on_delivery = forms.BooleanField(label=_("Accept cash on delivery"), required=False)

    # Where a model error on a CooperativeTerms field is shown in this form.
    FIELD_OF = {"bank_bin": "bank", "bank_account": "bank_account", "bank_account_name": "bank_account_name"}

    @classmethod
    def initial_from(cls, terms) -> dict:
        """Initial values from catalog.services.TermsData."""
        bank, other = "", ""
        if terms.bank_bin in BANKS:
            bank = terms.bank_bin
        elif terms.bank_bin:
            bank, other = OTHER_BANK, terms.bank_bin
        return {
            "bank": bank,
            "bank_bin_other": other,
            "bank_account": terms.bank_account,
            "bank_account_name": terms.bank_account_name,
            "shipping": terms.shipping,
            "shipping_fee_vnd": terms.shipping_fee_vnd,
            "free_shipping_from_vnd": terms.free_shipping_from_vnd,
            "cash_on_delivery": terms.cash_on_delivery,
        }

    def clean(self):
        data = super().clean()
        bank = data.get("bank")
        other = (data.get("bank_bin_other") or "").strip()
        if bank == OTHER_BANK:
            if not other:
                self.add_error("bank_bin_other", _("Enter the bank's 6-digit BIN."))
            data["bank_bin"] = other
        else:
            data["bank_bin"] = bank or ""
        return data

    def field_for(self, model_field: str) -> str | None:
        if model_field == "bank_bin" and self.cleaned_data.get("bank") == OTHER_BANK:
            return "bank_bin_other"
        name = self.FIELD_OF.get(model_field, model_field)
        return name if name in self.fields else None
