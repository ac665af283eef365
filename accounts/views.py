"""Sign-up that does not tell who has an account.

Everything else (log-in, log-out, verification, password reset, rate limits) is django-allauth's
own views, styled by templates/account/. Sign-up is allauth's view with one change: it ends on
"check your email" for every address. allauth can only hide a taken address when verification is
mandatory; here it is optional (accounts/permissions.py says what an unverified buyer cannot do),
so the sign-up step alone is run as if it were mandatory. A new buyer is sent the welcome and
confirmation email, and logged in by its link (or by their password, unverified); the owner of
a taken address is told by email that someone tried to sign up with it. No page differs.
"""

from allauth.account import app_settings
from allauth.account.utils import complete_signup, perform_login
from allauth.account.views import SignupView
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect

_CHECK_YOUR_EMAIL = app_settings.EmailVerificationMethod.MANDATORY


class BuyerSignupView(SignupView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if form.account_already_exists:
            return perform_login(
                self.request,
                None,
                email_verification=_CHECK_YOUR_EMAIL,
                signup=True,
                email=form.cleaned_data["email"],
            )
        with transaction.atomic():
            user = form.save(self.request)
            return complete_signup(self.request, user, _CHECK_YOUR_EMAIL, self.get_success_url())


signup = BuyerSignupView.as_view()
