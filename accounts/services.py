"""Writes for accounts that are not a person's own doing through allauth's pages.

Sign-up, log-in, verification and password reset go through django-allauth (accounts/adapter.py,
accounts/views.py); what is left here is for code that builds accounts itself, such as demo data.
"""

from allauth.account.models import EmailAddress
from django.db import transaction


@transaction.atomic
def email_mark_verified(*, user) -> EmailAddress:
    """Record the user's email address as their primary, verified address (allauth's EmailAddress).

    For accounts whose address is vouched for without the emailed link: the demo's published
    accounts, and test users. Any other address of the user stops being primary.
    """
    EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=user.email).update(
        primary=False
    )
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email)
    address.primary = True
    address.verified = True
    address.save()
    return address
