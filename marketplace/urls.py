"""The buyer's pages: cart, checkout, payment and orders, and the supply–demand board with requests
for quotation and quotes (namespace "marketplace").

Mounted at the site root inside i18n_patterns (config/urls.py), so each page also answers under /en/.
"""

from django.urls import path

from .views import buyer, documents, rfqs

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
    path("cung-cau/", rfqs.board, name="board"),
    path("cung-cau/dang-yeu-cau/", rfqs.rfq_new, name="rfq_new"),
    path("cung-cau/cua-toi/", rfqs.my_rfqs, name="my_rfqs"),
    path("cung-cau/<int:rfq_id>/", rfqs.rfq, name="rfq"),
    path("cung-cau/<int:rfq_id>/moi/", rfqs.rfq_invite, name="rfq_invite"),
    path("cung-cau/<int:rfq_id>/huy/", rfqs.rfq_cancel, name="rfq_cancel"),
    path("cung-cau/<int:rfq_id>/tin-nhan/<str:tax_code>/", rfqs.rfq_thread, name="rfq_thread"),
    path(
        "cung-cau/<int:rfq_id>/tin-nhan/<str:tax_code>/gui/", rfqs.rfq_message_post, name="rfq_message_post"
    ),
    path("cung-cau/bao-gia/<int:quote_id>/chap-nhan/", rfqs.quote_accept, name="quote_accept"),
]
