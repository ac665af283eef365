"""allauth's account forms with the site's fields and labels (settings.ACCOUNT_FORMS).

allauth does the work (rate limits, enumeration prevention, tokens); these only add the buyer's
profile fields to sign-up, label every field in the project's own words (so they are translated
with the rest of the site) and keep the one-password-box forms the site has always had.
"""

from allauth.account.fields import EmailField
from allauth.account.forms import LoginForm, ResetPasswordForm, ResetPasswordKeyForm, SignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

User = get_user_model()
# The column's own limit (254): a longer address is a form error, not a database error.
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


def _email_field(field: forms.Field, *, autofocus: bool = False) -> None:
    field.label = _("Email")
    field.widget.attrs.pop("placeholder", None)
    if autofocus:
        field.widget.attrs["autofocus"] = True


def _password_field(field: forms.Field, label) -> None:
    field.label = label
    field.help_text = ""
    field.widget.attrs.pop("placeholder", None)


class EmailLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_field(self.fields["login"], autofocus=True)
        _password_field(self.fields["password"], _("Password"))


class BuyerSignupForm(SignupForm):
    """Email, name, organisation, phone and one password, as the site has always asked.

    An address that already has an account is not an error here: allauth would say so on the
    page, which tells a stranger who is registered. accounts/views.py answers it like any
    other sign-up, and the address's owner gets an email instead.
    """

    email = EmailField(max_length=EMAIL_MAX_LENGTH)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    organisation = forms.CharField(label=_("Company or household business"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    field_order = ["email", "full_name", "organisation", "phone", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_field(self.fields["email"])
        _password_field(self.fields["password1"], _("Password"))

    def validate_unique_email(self, value: str) -> str:
        self.account_already_exists = (
            User.objects.filter(email__iexact=value).exists()
            or EmailAddress.objects.filter(email__iexact=value).exists()
        )
        return value

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and "password1" not in self.errors:
            # allauth checks the password against the email only; the name counts too.
            try:
                validate_password(
                    password, User(email=cleaned.get("email", ""), first_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailResetPasswordForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_field(self.fields["email"], autofocus=True)


class NewPasswordForm(ResetPasswordKeyForm):
    """The new password, typed once like at sign-up; the validators still apply."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["password2"]
        _password_field(self.fields["password1"], _("New password"))
