"""What the order confirmation PDF says, read from an order (marketplace/documents.py draws it)."""

from __future__ import annotations

from marketplace.documents import qr_png_data_uri
from marketplace.models import Order, PaymentMethod
from marketplace.payments import vietqr
from marketplace.payments.banks import bank_name
from marketplace.payments.words import vnd_in_words


def order_for_document(number: str) -> Order | None:
    return (
        Order.objects.select_related(
            "cooperative__province",
            "purchase__buyer",
            "purchase__shipping_province",
            "purchase__shipping_ward",
        )
        .prefetch_related("lines")
        .filter(number=number)
        .first()
    )


def order_confirmation_context(order: Order) -> dict:
    purchase, cooperative = order.purchase, order.cooperative
    transfer = None
    if order.payment_method == PaymentMethod.VIETQR and order.bank_account:
        payload = vietqr.build(
            bank_bin=order.bank_bin, account=order.bank_account, amount=order.total_vnd, purpose=order.number
        )
        transfer = {
            "bank_name_or_bin": bank_name(order.bank_bin),
            "account": order.bank_account,
            "account_name": order.bank_account_name,
            "amount_vnd": order.total_vnd,
            "amount_in_words": vnd_in_words(order.total_vnd),
            "payment_code": order.number,
            "qr_png_data_uri": qr_png_data_uri(payload),
        }
    return {
        "order": {
            "number": order.number,
            "created_at": order.created_at,
            "status_label": order.get_status_display(),
            "payment_method_label": order.get_payment_method_display(),
            "payment_status_label": order.get_payment_status_display(),
            "subtotal_vnd": order.subtotal_vnd,
            "shipping_vnd": order.shipping_vnd,
            "total_vnd": order.total_vnd,
            "note": purchase.note,
        },
        "cooperative": {
            "name": cooperative.title,
            "tax_code": cooperative.tax_code,
            "address": cooperative.address,
            "phone": cooperative.phone,
            "email": cooperative.email,
            "province": cooperative.province.name,
        },
        "buyer": {
            "name": purchase.shipping_name,
            "phone": purchase.shipping_phone,
            "address": ", ".join(
                [purchase.shipping_address, purchase.shipping_ward.name, purchase.shipping_province.name]
            ),
            "email": purchase.buyer.email,
        },
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price_vnd": line.unit_price_vnd,
                "line_total_vnd": line.line_total_vnd,
                "vat_label": line.get_vat_rate_display(),
            }
            for line in order.lines.all()
        ],
        "transfer": transfer,
    }
