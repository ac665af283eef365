"""Questions about a person's account, one function each (ARCHITECTURE.md).

Services in the apps above ask these before they let someone act, so the rule lives in one place.
"""

from allauth.account.models import EmailAddress


def has_verified_email(user) -> bool:
    """Whether the person has proved they read mail at their address.

    The proof is allauth's primary EmailAddress marked verified: a buyer gets it by following the
    link in the sign-up email; accounts vouched for otherwise (the demo's) get it from
    accounts.services.email_mark_verified. Superusers count as verified without it: they are
    made from the command line or by another superuser, never through the sign-up form. Every
    other account, staff made in the admin included, confirms its address once.
    """
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return EmailAddress.objects.filter(user=user, primary=True, verified=True).exists()
