"""PLACEHOLDER (lead): the cooperative's order screens are being written on the `coop-admin` branch."""

from django.http import Http404
from django.urls import path
from wagtail import hooks


def _placeholder(request, **kwargs):
    raise Http404


@hooks.register("register_admin_urls")
def register_order_urls():
    return [
        path("marketplace/orders/", _placeholder, name="marketplace_orders"),
        path("marketplace/orders/<str:number>/", _placeholder, name="marketplace_order"),
    ]


# === Statements and settlement (marketplace/views/reconciliation.py, marketplace/views/settlement.py) ===
# Cooperative staff import bank statements and settle the transfers that need review; cooperative and
# alliance staff see the monthly settlement, and alliance staff record payouts. Kept in one block
# for merging: the orders block above belongs to the cooperative order screens.

from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _statements_label  # noqa: E402
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem  # noqa: E402

from marketplace.permissions import may_reconcile_any, may_view_any_settlement  # noqa: E402
from marketplace.views import reconciliation, settlement  # noqa: E402


class _ShownTo(MenuItem):
    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)


@hooks.register("register_admin_urls")
def register_statement_urls():
    return [
        path(
            "marketplace/statements/import/",
            reconciliation.statement_upload_view,
            name="marketplace_statement_import",
        ),
        path(
            "marketplace/statements/review/",
            reconciliation.review_list_view,
            name="marketplace_statement_review",
        ),
        path("marketplace/statements/<int:pk>/", reconciliation.line_view, name="marketplace_statement_line"),
        path("marketplace/settlement/", settlement.settlement_view, name="marketplace_settlement"),
        path(
            "marketplace/settlement/<int:pk>/<str:month>.<str:file_format>",
            settlement.download_view,
            name="marketplace_settlement_download",
        ),
        path(
            "marketplace/settlement/<int:pk>/payouts/",
            settlement.payout_view,
            name="marketplace_settlement_payout",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_payments_menu():
    items = [
        _ShownTo(
            _statements_label("Transfers to review"),
            reverse("marketplace_statement_review"),
            name="marketplace-statement-review",
            icon_name="warning",
            order=100,
            shown_to=may_reconcile_any,
        ),
        _ShownTo(
            _statements_label("Import a bank statement"),
            reverse("marketplace_statement_import"),
            name="marketplace-statement-import",
            icon_name="upload",
            order=200,
            shown_to=may_reconcile_any,
        ),
        _ShownTo(
            _statements_label("Settlement"),
            reverse("marketplace_settlement"),
            name="marketplace-settlement",
            icon_name="table",
            order=300,
            shown_to=may_view_any_settlement,
        ),
    ]
    return SubmenuMenuItem(
        _statements_label("Payments"),
        Menu(items=items),
        name="marketplace-payments",
        icon_name="table",
        order=260,
    )


# === end of the statements and settlement block ===
