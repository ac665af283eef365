"""The buyer's pages: cart, checkout, payment and orders (namespace "marketplace")."""

from django.urls import path

from .views import buyer, documents

app_name = "marketplace"
urlpatterns = [
    path("gio-hang/", buyer.placeholder, name="cart"),
    path("thanh-toan/", buyer.placeholder, name="checkout"),
    path("don-hang/", buyer.placeholder, name="orders"),
    path("don-hang/<str:number>/", buyer.placeholder, name="order"),
    path("don-hang/<str:number>/thanh-toan/", buyer.placeholder, name="pay"),
    path("don-hang/<str:number>/xac-nhan.pdf", documents.order_confirmation_pdf, name="order_pdf"),
]
