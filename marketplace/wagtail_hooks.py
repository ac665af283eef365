"""Admin integration for the marketplace (registered by Wagtail on start-up)."""

from django.urls import path
from wagtail import hooks

from marketplace import admin_orders, admin_terms

# === Orders and terms of sale (marketplace/admin_orders.py, marketplace/admin_terms.py) =========
# A cooperative's staff see and move their orders and set their terms of sale; alliance staff see
# the orders of the cooperatives they oversee and may refund them.


@hooks.register("register_admin_urls")
def register_order_urls():
    return [
        path("marketplace/orders/", admin_orders.order_index_view, name="marketplace_orders"),
        path(
            "marketplace/orders/results/",
            admin_orders.order_index_results_view,
            name="marketplace_orders_results",
        ),
        path("marketplace/orders/<str:number>/", admin_orders.order_detail_view, name="marketplace_order"),
        path(
            "marketplace/orders/<str:number>/do/<slug:action>/",
            admin_orders.order_action_view,
            name="marketplace_order_action",
        ),
        path(
            "marketplace/orders/<str:number>/refunds/<id:refund_id>/<slug:action>/",
            admin_orders.refund_action_view,
            name="marketplace_order_refund",
        ),
        path("marketplace/terms/", admin_terms.terms_index_view, name="marketplace_terms"),
        path(
            "marketplace/terms/results/",
            admin_terms.terms_index_results_view,
            name="marketplace_terms_results",
        ),
        path(
            "marketplace/terms/<id:cooperative_id>/",
            admin_terms.terms_view,
            name="marketplace_cooperative_terms",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_orders_menu_item():
    return admin_orders.menu_item()


@hooks.register("register_admin_menu_item")
def register_terms_menu_item():
    return admin_terms.menu_item()


# === end of orders ==============================================================================


# === Statements and settlement (marketplace/views/reconciliation.py, marketplace/views/settlement.py) ===
# Cooperative staff import bank statements and settle the transfers that need review; cooperative and
# alliance staff see the monthly settlement, and alliance staff record payouts. Kept in one block
# for merging: the orders block above belongs to the cooperative order screens.

from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _statements_label  # noqa: E402
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem  # noqa: E402

from marketplace.permissions import may_reconcile_any, may_view_any_settlement, may_view_market  # noqa: E402
from marketplace.views import market, reconciliation, settlement  # noqa: E402


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
        path("marketplace/market/", market.market_view, name="marketplace_market"),
        path(
            "marketplace/market/<slug:report>.<slug:file_format>",
            market.download_view,
            name="marketplace_market_download",
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
        _ShownTo(
            _statements_label("Market information"),
            reverse("marketplace_market"),
            name="marketplace-market",
            icon_name="table",
            order=400,
            shown_to=may_view_market,
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


# === Requests for quotation (marketplace/admin_rfqs.py) ========================================
# A cooperative's staff see the invitations to quote waiting for them on the dashboard, list the
# RFQs and answer them with quotes; alliance staff invite the cooperatives they oversee.

from marketplace import admin_rfqs  # noqa: E402


@hooks.register("construct_homepage_panels")
def add_invitations_to_quote_panel(request, panels):
    admin_rfqs.add_invitations_panel(request, panels)


@hooks.register("register_admin_urls")
def register_rfq_urls():
    return [
        path("marketplace/rfqs/", admin_rfqs.rfq_index_view, name="marketplace_rfqs"),
        path("marketplace/rfqs/results/", admin_rfqs.rfq_index_results_view, name="marketplace_rfqs_results"),
        path("marketplace/rfqs/<id:rfq_id>/", admin_rfqs.rfq_detail_view, name="marketplace_rfq"),
        path(
            "marketplace/rfqs/<id:rfq_id>/do/<slug:action>/",
            admin_rfqs.rfq_action_view,
            name="marketplace_rfq_action",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_rfqs_menu_item():
    return admin_rfqs.menu_item()


# === end of requests for quotation ===
