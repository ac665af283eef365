"""Requests for quotation for tests, made through marketplace.services.demands (as production does)."""

import datetime

from django.utils import timezone

from marketplace.models import BuyerDemand, RfqInvitation
from marketplace.models.rfqs import BuyerKind
from marketplace.services.demands import DemandData, demand_create
from tests import factories


def rfq(
    buyer=None,
    *,
    title: str = "Gạo ST25",
    quantity: int = 2,
    unit: str = "tấn",
    visibility: str = BuyerDemand.Visibility.PUBLIC,
    deadline: datetime.date | None = None,
    invite=(),
    company_kind: str = BuyerKind.SUPERMARKET,
    **data,
) -> BuyerDemand:
    """An open RFQ of `buyer` (a new verified user when None), its deadline in two weeks by default;
    `invite` lists cooperatives invited to quote."""
    created = demand_create(
        buyer=buyer or factories.user(),
        data=DemandData(title=title, quantity=quantity, unit=unit, **data),
        kind=BuyerDemand.Kind.RFQ,
        visibility=visibility,
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=14),
        company_kind=company_kind,
    )
    for cooperative in invite:
        RfqInvitation.objects.create(rfq=created, cooperative=cooperative, invited_by=created.buyer)
    return created
