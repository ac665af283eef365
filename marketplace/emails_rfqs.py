"""The emails requests for quotation send: an invitation to quote, to the invited cooperative's staff.

Sent after commit (catalog.notifications.send_after_commit), like the orders' (marketplace/emails.py).
The buyer is never named: a cooperative learns who asked only when its quote is accepted. The
same invitations are listed on the staff's admin dashboard (marketplace/admin_rfqs.py).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.localization import local_date, vnd
from catalog.notifications import Email, send_after_commit
from catalog.permissions import cooperatives_staff_emails
from marketplace.matching import quantity_text
from marketplace.models import BuyerDemand


def site_rfq_url(rfq: BuyerDemand) -> str:
    """The RFQ's page on the site: where its buyer compares and accepts the quotes."""
    return settings.SITE_BASE_URL.rstrip("/") + reverse("marketplace:rfq", kwargs={"rfq_id": rfq.pk})


def admin_rfq_url(rfq: BuyerDemand) -> str:
    """The RFQ's screen in the admin: where a cooperative's staff quote and write to the buyer."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("marketplace_rfq", args=[rfq.pk])


def invited(rfq: BuyerDemand, cooperatives) -> None:
    """Tell the staff of each newly invited cooperative what is asked and until when."""
    cooperatives = list(cooperatives)
    staff = cooperatives_staff_emails(cooperatives)
    subject = _("Invitation to quote: %(title)s") % {"title": rfq.title}
    facts = [
        _("Wanted: %(quantity)s of %(title)s")
        % {"quantity": quantity_text(rfq.quantity, rfq.unit, rfq.per_month), "title": rfq.title}
    ]
    if rfq.delivery_province_id:
        facts.append(_("Delivered to: %(province)s") % {"province": rfq.delivery_province.name})
    if rfq.target_price_vnd:
        facts.append(
            _("Target price: %(price)s/%(unit)s") % {"price": vnd(rfq.target_price_vnd), "unit": rfq.unit}
        )
    facts.append(_("Quotes until: %(date)s") % {"date": local_date(rfq.deadline)})
    url = admin_rfq_url(rfq)
    emails = []
    for cooperative in cooperatives:
        body = "\n".join(
            [
                _("%(cooperative)s is invited to quote on a request for quotation.")
                % {"cooperative": cooperative.title},
                "",
                *facts,
                "",
                _("Read the request and send your quote here: %(url)s") % {"url": url},
            ]
        )
        emails += [Email(to=email, subject=subject, body=body) for email in staff.get(cooperative.pk, [])]
    send_after_commit(emails)
