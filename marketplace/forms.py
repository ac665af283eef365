"""The buyer's forms: add to cart, change a line, accept new prices, check out, change an order.

They only parse what was posted and hand the services their arguments (a quantity, a dict of
prices, a CheckoutData); the rules themselves (minimum quantities, stock, addresses, payment
methods) are the services', whose ValidationErrors the views put back on these forms.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.page_forms import WardSelect
from marketplace import pricing
from marketplace.models import PaymentMethod
from marketplace.services.carts import MAX_LINES
from marketplace.services.checkout import CheckoutData, ShippingAddress

# A product id or a cart line id: a positive 64-bit integer at most.
MAX_ID = 2**63 - 1
# Far above any real unit price; bounds what a hostile form can post.
MAX_PRICE_VND = 10**13
PRICE_PREFIX = "price-"


class QuantityField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Quantity"))
        super().__init__(
            min_value=1,
            max_value=pricing.MAX_QUANTITY,
            error_messages={
                "required": _("Enter a quantity."),
                "invalid": _("Enter a whole number of units."),
                "min_value": _("The quantity must be at least 1."),
                "max_value": _("This quantity is too large."),
            },
            **kwargs,
        )
        self.widget.attrs.update({"inputmode": "numeric", "step": "1"})


class AddToCartForm(forms.Form):
    product = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    quantity = QuantityField()


class LineForm(forms.Form):
    """Change a cart line's quantity, or remove the line."""

    UPDATE, REMOVE = "update", "remove"

    action = forms.ChoiceField(choices=[(UPDATE, UPDATE), (REMOVE, REMOVE)], initial=UPDATE)
    quantity = QuantityField(required=False)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == self.UPDATE
            and cleaned.get("quantity") is None
            and "quantity" not in self.errors
        ):
            self.add_error("quantity", gettext("Enter a quantity."))
        return cleaned


class BackTo(forms.ChoiceField):
    """Where to go after accepting prices: the cart or the checkout, nowhere else."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("cart", "cart"), ("checkout", "checkout")], required=False, **kwargs)


def accepted_prices(data) -> dict[int, int]:
    """The `{line id: unit price shown}` posted as hidden `price-<line id>` fields.

    Raises forms.ValidationError for anything but positive whole numbers, or too many lines.
    """
    prices: dict[int, int] = {}
    for key in data:
        if not key.startswith(PRICE_PREFIX):
            continue
        if len(prices) >= MAX_LINES:
            raise forms.ValidationError(gettext("Too many prices."), code="too_many")
        line_id, value = key[len(PRICE_PREFIX) :], data.get(key, "")
        if not (
            line_id.isascii() and line_id.isdigit() and len(line_id) <= 19 and 0 < int(line_id) <= MAX_ID
        ):
            raise forms.ValidationError(gettext("Unknown cart line."), code="line")
        if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 14):
            raise forms.ValidationError(gettext("A price must be a whole number of đồng."), code="price")
        price = int(value)
        if not 0 < price <= MAX_PRICE_VND:
            raise forms.ValidationError(gettext("A price must be a whole number of đồng."), code="price")
        prices[int(line_id)] = price
    if not prices:
        raise forms.ValidationError(gettext("No prices to accept."), code="empty")
    return prices


class CheckoutForm(forms.Form):
    """The shipping address (2025 provinces and wards), a note, and how to pay."""

    name = forms.CharField(
        label=_("Recipient's name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        help_text=_("The carrier calls this number, e.g. 0912 345 678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    province = forms.ChoiceField(label=_("Province or city"))
    ward = forms.ChoiceField(label=_("Ward or commune"), widget=WardSelect(province_field="province"))
    address = forms.CharField(
        label=_("House number and street"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    note = forms.CharField(
        label=_("Note for the cooperatives"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=PaymentMethod.choices,
        error_messages={"required": _("Choose how to pay."), "invalid_choice": _("Choose how to pay.")},
    )

    def __init__(self, *args, provinces, wards_of, **kwargs):
        """`provinces`: [(code, name)]; `wards_of(code)`: the chosen province's [(code, name)]."""
        super().__init__(*args, **kwargs)
        blank = [("", gettext("Choose…"))]
        self.fields["province"].choices = blank + list(provinces)
        chosen = self.data.get("province") if self.is_bound else self.initial.get("province")
        ward_field = self.fields["ward"]
        ward_field.choices = blank + list(wards_of(chosen if isinstance(chosen, str) else ""))
        ward_field.widget.choices = ward_field.choices

    def data_for_service(self) -> CheckoutData:
        data = self.cleaned_data
        return CheckoutData(
            payment_method=data["payment_method"],
            shipping=ShippingAddress(
                name=data["name"],
                phone=data["phone"],
                province=data["province"],
                ward=data["ward"],
                address=data["address"],
            ),
            note=data.get("note", ""),
        )


class ConfirmForm(forms.Form):
    """A second, explicit "yes" for an action that cannot be undone."""

    confirm = forms.BooleanField(
        required=True, error_messages={"required": _("Confirm that you want to do this.")}
    )
