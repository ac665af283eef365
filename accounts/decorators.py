"""View decorators for pages that need a confirmed email address.

The services refuse an unverified person (accounts/permissions.py) with PermissionDenied; pages
wrapped in this say so first, with a button that sends the confirmation email again, instead of
a bare 403.
"""

from functools import wraps

from django.shortcuts import render

from .permissions import has_verified_email


def verified_email_required(view):
    """For views already behind login_required: unverified people get the explanation page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_verified_email(request.user):
            return render(request, "account/verify_email_first.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
