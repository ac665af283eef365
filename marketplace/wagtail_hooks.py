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
