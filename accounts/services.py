"""Writes for accounts."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

User = get_user_model()


@transaction.atomic
def buyer_sign_up(*, email: str, password: str, full_name: str, organisation: str = "", phone: str = ""):
    """Create a buyer account and send a welcome email after commit."""
    first, _sep, last = full_name.strip().rpartition(" ")
    user = User(
        email=email.strip().lower(),
        first_name=first or last,
        last_name=last if first else "",
        organisation=organisation,
        phone=phone,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    transaction.on_commit(
        lambda: send_mail(
            _("Welcome to the cooperative marketplace"),
            _("Your buyer account %(email)s is ready. Browse the catalogue at %(url)s")
            % {"email": user.email, "url": settings.SITE_BASE_URL},
            None,
            [user.email],
            fail_silently=True,
        )
    )
    return user
