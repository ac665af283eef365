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
