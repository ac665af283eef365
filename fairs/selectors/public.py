"""Reads for fairs: pages, participants, recommendations, schedules and reports."""

from django.utils import timezone

from .models import FairPage


def upcoming_fairs():
    return (
        FairPage.objects.live()
        .public()
        .filter(ends_on__gte=timezone.localdate())
        .select_related("lead_organiser")
        .order_by("starts_on", "pk")
    )


def past_fairs(*, limit: int):
    return (
        FairPage.objects.live()
        .public()
        .filter(ends_on__lt=timezone.localdate())
        .select_related("lead_organiser")
        .order_by("-starts_on", "-pk")[:limit]
    )


def fair_page_context(*, fair: FairPage, user) -> dict:
    return {}
