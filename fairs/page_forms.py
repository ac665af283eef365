"""The admin form of the fair page (its `base_form_class`): sessions that fit the fair's days
and never overlap, and an organiser that the editing alliance belongs to."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class FairPageForm(WagtailAdminPageForm):
    def clean(self):
        from .services import check_sessions

        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        sessions = self.formsets.get("sessions")
        if starts_on and ends_on and sessions is not None and sessions.is_valid():
            kept = [
                form.instance
                for form in sessions.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            try:
                check_sessions(kept, starts_on=starts_on, ends_on=ends_on)
            except ValidationError as error:
                self.add_error(None, error)
        self._check_organiser(cleaned)
        return cleaned

    def _check_organiser(self, cleaned) -> None:
        user = self.for_user
        if user is None or user.is_superuser:
            return
        from catalog.permissions import staffing

        own = staffing(user).alliance_ids
        chosen = {a.pk for a in [cleaned.get("lead_organiser"), *(cleaned.get("co_organisers") or ())] if a}
        if not own & chosen:
            self.add_error("lead_organiser", _("Your alliance must lead or co-organise the fair."))
