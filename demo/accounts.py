"""The demo accounts: every demo user is created by `demo_user`, and only there.

That covers the five accounts of the README (`build_accounts`) and the fair buyers of
demo/fairs.py, so whatever a demo account needs on creation is decided in one place.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password

from accounts.services import email_mark_verified

from .data.accounts import ACCOUNTS, ADMIN
from .result import DemoResult

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the published password of the demo accounts (README)


@functools.cache
def _password_hash(algorithm: str) -> str:
    # Demo passwords skip the validators on purpose: one short, published password, hashed
    # once per hasher (each hash costs a deliberate fraction of a second).
    return make_password(DEMO_PASSWORD, hasher=algorithm)


def demo_user(
    result: DemoResult,
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    organisation: str = "",
    superuser: bool = False,
):
    """The demo user with this email, created with the demo password when missing (counted in `result`).

    Demo accounts have a verified email address, so they can register for fairs and send
    requests straight away (also those of a demo database built before verification existed).
    """
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is not None:
        email_mark_verified(user=user)
        return user
    make = User.objects.create_superuser if superuser else User.objects.create_user
    user = make(email=email, first_name=first_name, last_name=last_name, organisation=organisation)
    user.password = _password_hash(get_hasher().algorithm)
    user.save(update_fields=["password"])
    email_mark_verified(user=user)
    result.add("accounts")
    return user


def build_accounts(result: DemoResult) -> dict[str, object]:
    """The README's five accounts (admin@ is a superuser), by email."""
    return {
        account.email: demo_user(
            result,
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            organisation=account.organisation,
            superuser=account is ADMIN,
        )
        for account in ACCOUNTS
    }
