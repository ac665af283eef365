"""Buyer sign-up, log-in and log-out."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import BuyerSignupForm, EmailLoginForm
from .services import buyer_sign_up


class EmailLoginView(LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    pass


def signup(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = BuyerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = buyer_sign_up(**form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your buyer account is ready."))
        return redirect("/")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)
