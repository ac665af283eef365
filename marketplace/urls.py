"""The buyer's pages: cart, checkout, payment and orders (namespace "marketplace").

Mounted at the site root inside i18n_patterns (config/urls.py), so each page also answers under /en/.
"""

from django.urls import path

from .views import buyer, documents

app_name = "marketplace"
urlpatterns = [
    path("gio-hang/", buyer.cart, name="cart"),
    path("gio-hang/them/", buyer.cart_add, name="cart_add"),
    path("gio-hang/dong/<int:line_id>/", buyer.cart_line_change, name="cart_line"),
    path("gio-hang/chap-nhan-gia/", buyer.cart_accept_prices, name="cart_accept_prices"),
    path("thanh-toan/", buyer.checkout, name="checkout"),
    path("don-hang/", buyer.orders, name="orders"),
    path("don-hang/<str:number>/", buyer.order, name="order"),
    path("don-hang/<str:number>/thanh-toan/", buyer.pay, name="pay"),
    path("don-hang/<str:number>/thanh-toan/the/", buyer.card_return, name="card_return"),
    path("don-hang/<str:number>/huy/", buyer.order_cancel, name="order_cancel"),
    path("don-hang/<str:number>/da-nhan/", buyer.order_received, name="order_received"),
    path("don-hang/<str:number>/xac-nhan.pdf", documents.order_confirmation_pdf, name="order_pdf"),
]
