"""PLACEHOLDER (lead): the buyer pages are being written on the `pages` branch."""

from django.http import Http404


def placeholder(request, **kwargs):
    raise Http404
