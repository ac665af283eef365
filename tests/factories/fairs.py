"""Fairs test data, built through fairs.services like production data."""

import datetime

from django.utils import timezone

from catalog.places import resolve_province
from fairs import services
from fairs.models import FairPage

from . import alliance, cooperative, pages, user


@pages
def fair(
    *,
    lead=None,
    co_organisers=(),
    provinces=("01", "31"),
    status: str = FairPage.Status.OPEN,
    sessions=None,
    max_meetings: int | None = None,
    has_booths: bool = True,
    **extra,
) -> FairPage:
    """An open connection conference over the coming week, with one morning of 6 slots at 4 tables."""
    today = timezone.localdate()
    starts_on = extra.pop("starts_on", today + datetime.timedelta(days=7))
    if sessions is None:
        sessions = [
            services.SessionData(
                name="Gặp gỡ B2B buổi sáng",
                date=starts_on,
                starts_at=datetime.time(8, 30),
                slot_count=6,
                tables=4,
            )
        ]
    return services.fair_create(
        title=extra.pop("title", "Hội nghị kết nối cung cầu thử nghiệm"),
        kind=extra.pop("kind", FairPage.Kind.CONNECTION),
        starts_on=starts_on,
        ends_on=extra.pop("ends_on", starts_on + datetime.timedelta(days=1)),
        venue=extra.pop("venue", "Cung Văn hoá Hữu nghị, Hà Nội"),
        lead_organiser=lead or alliance(provinces=("01",)),
        co_organisers=list(co_organisers),
        provinces=[resolve_province(p) for p in provinces],
        registration_opens_on=extra.pop("registration_opens_on", today - datetime.timedelta(days=7)),
        registration_closes_on=extra.pop("registration_closes_on", starts_on - datetime.timedelta(days=1)),
        sessions=sessions,
        status=status,
        has_booths=has_booths,
        max_meetings_per_participant=max_meetings,
        **extra,
    )


def cooperative_participant(fair: FairPage, *, province: str = "01", approve_by=None, products=(), **data):
    staff = user()
    registered = services.participant_register_cooperative(
        fair=fair,
        user=staff,
        cooperative=cooperative(province=province, staff=[staff]),
        data=services.RegistrationData(showcased_products=list(products), **data),
    )
    if approve_by is not None:
        services.participant_decide(participant=registered, user=approve_by, approve=True)
    return registered


def buyer_participant(
    fair: FairPage, *, name: str = "Công ty Thực phẩm Sạch", province: str = "01", approve_by=None, **data
):
    registered = services.participant_register_buyer(
        fair=fair,
        user=user(),
        data=services.RegistrationData(
            name=name,
            buyer_kind=data.pop("buyer_kind", "supermarket"),
            province=resolve_province(province),
            **data,
        ),
    )
    if approve_by is not None:
        services.participant_decide(participant=registered, user=approve_by, approve=True)
    return registered
