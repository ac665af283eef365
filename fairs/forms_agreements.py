"""The buyer's form for placing orders under a fair agreement: what each delivery holds (a formset
of lines: the cooperative's product, quantity, agreed unit price), the schedule, how to pay and the
address (the checkout's own fields, marketplace.forms.CheckoutForm).

Forms only parse; fairs.services.agreement_place_orders and the marketplace service behind it
decide, and their ValidationErrors come back onto this form.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.forms import MAX_PRICE_VND, CheckoutForm, QuantityField
from marketplace.models import PaymentMethod
from marketplace.services.agreements import MAX_DELIVERIES, MAX_LINES, MAX_NOTE, AgreedLine

from . import services
from .forms import BoundedModelChoiceField


class ProductChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.unit})"


class AgreedLineForm(forms.Form):
    """One line of each delivery; a row left without quantity and price is skipped."""

    product = ProductChoiceField(label=_("Product"), queryset=None, required=False)
    quantity = QuantityField(label=_("Quantity per delivery"), required=False)
    unit_price_vnd = forms.IntegerField(
        label=_("Agreed unit price (đồng)"),
        min_value=1,
        max_value=MAX_PRICE_VND,
        required=False,
        error_messages={"invalid": _("Enter a whole number of đồng.")},
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["unit_price_vnd"].widget.attrs.update({"inputmode": "numeric", "step": "1"})

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        product, quantity, price = (cleaned.get(name) for name in ("product", "quantity", "unit_price_vnd"))
        if quantity is None and price is None:
            cleaned["skip"] = True
            return cleaned
        if product is None:
            self.add_error("product", gettext("Choose the product."))
        if quantity is None:
            self.add_error("quantity", gettext("Enter a quantity."))
        if price is None:
            self.add_error("unit_price_vnd", gettext("Enter the agreed unit price."))
        return cleaned


AgreedLineFormSet = forms.formset_factory(
    AgreedLineForm, extra=3, max_num=MAX_LINES, absolute_max=MAX_LINES, validate_max=True
)


class AgreementOrdersForm(CheckoutForm):
    """When, how to pay and where: the checkout's address fields, a schedule, transfer or cash."""

    schedule = forms.ChoiceField(
        label=_("Deliveries"),
        choices=[(services.ONCE, _("One delivery")), (services.MONTHLY, _("Every month"))],
        initial=services.ONCE,
        widget=forms.RadioSelect,
    )
    months = forms.IntegerField(
        label=_("For how many months"),
        min_value=2,
        max_value=MAX_DELIVERIES,
        required=False,
        help_text=_("Monthly deliveries only: one order a month, each paid on its own."),
    )
    first_delivery = forms.DateField(
        label=_("First delivery on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=[
            (PaymentMethod.VIETQR, _("Bank transfer (VietQR), each order before its delivery")),
            (PaymentMethod.COD, _("Cash on delivery")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how to pay."), "invalid_choice": _("Choose how to pay.")},
    )
    note = forms.CharField(
        label=_("Note for the cooperative"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["schedule", "months", "first_delivery", "payment_method"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("schedule") == services.MONTHLY and cleaned.get("months") is None:
            self.add_error("months", gettext("Say for how many months."))
        return cleaned

    def data_for_service(self, lines: forms.BaseFormSet) -> services.AgreementOrdersData:
        data = self.cleaned_data
        checkout = super().data_for_service()
        return services.AgreementOrdersData(
            lines=[
                AgreedLine(
                    product=row["product"], quantity=row["quantity"], unit_price_vnd=row["unit_price_vnd"]
                )
                for row in lines.cleaned_data
                if row and not row.get("skip")
            ],
            schedule=data["schedule"],
            months=data.get("months") or 1,
            first_delivery=data["first_delivery"],
            payment_method=data["payment_method"],
            shipping=checkout.shipping,
            note=data.get("note", ""),
        )
