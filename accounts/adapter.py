"""How django-allauth makes and writes to this site's accounts (settings.ACCOUNT_ADAPTER).

allauth calls the adapter at fixed points; here it fills in the buyer's profile from the sign-up
form, sends its emails by the background email task once the transaction that caused them
commits, and words its error messages in the project's own strings so they are translated with
the rest of the site.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext_lazy as _

from background import mail


def split_full_name(full_name: str) -> tuple[str, str]:
    """'Nguyễn Thị Lan' -> ('Nguyễn Thị', 'Lan'): the given name is the last word in Vietnamese."""
    first, _sep, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is currently inactive."),
        "email_password_mismatch": _("The email address and/or password you specified are not correct."),
        "too_many_login_attempts": _("Too many failed log-in attempts. Try again in a few minutes."),
        "invalid_password_reset": _("The password reset link is invalid or has already been used."),
        "rate_limited": _("Too many requests. Please wait a moment and try again."),
    }

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.first_name, user.last_name = split_full_name(data.get("full_name", ""))
        user.organisation = data.get("organisation", "")
        user.phone = data.get("phone", "")
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's send_mail, sending once the transaction commits.

        Rendered now, in the language of the page that asked; sent after commit by the background
        email task (background/mail.py), so no email speaks of an account that was rolled back, and
        a mail server that is down never turns the page into an error: the task tries again.
        """
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                "site_url": settings.SITE_BASE_URL,
                **context,
            },
        )
        mail.send_after_commit([message])
