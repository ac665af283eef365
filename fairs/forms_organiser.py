"""Forms of the organisers' pages and of the meeting page. They parse input; the rules of the
fair (who may approve, caps, pins, parties to an agreement) are fairs.services' to enforce."""

import re

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import ProductPage, Province

from .forms import BoundedModelChoiceField, BoundedModelMultipleChoiceField, IdField
from .models import Agreement, FairPage, Meeting, Participant
from .services import MAX_DOCUMENT_BYTES, STATUS_MOVES

# Digits, optionally grouped in threes by dots, commas or spaces: "480.000.000", "480 000 000".
_AMOUNT = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*$|^\d+$")
# What a signed document may be, by its first bytes: the extension alone is easy to get wrong.
_DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def participant_label(participant: Participant) -> str:
    place = participant.province.name if participant.province_id else participant.country
    label = f"{participant.name} ({participant.get_role_display()}, {place})"
    if getattr(participant, "meeting_count", None) is not None:
        label += " · " + str(_("%(n)s meetings")) % {"n": participant.meeting_count}
    return label


class ParticipantChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


class ParticipantMultipleChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


class ParticipantFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Participant.Status.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Buyers and cooperatives")), *Participant.Role.choices],
    )
    province = forms.ModelChoiceField(
        label=_("Province"), required=False, queryset=Province.objects.none(), empty_label=_("Any province")
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces


class DecisionForm(forms.Form):
    participant_id = IdField()
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=FairPage.Status.choices)

    def __init__(self, *args, fair: FairPage, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_MOVES.get(fair.status, set())
        self.fields["status"].choices = [(v, label) for v, label in FairPage.Status.choices if v in allowed]


class MeetingForm(forms.Form):
    first = ParticipantChoiceField(label=_("First participant"), queryset=Participant.objects.none())
    second = ParticipantChoiceField(label=_("Second participant"), queryset=Participant.objects.none())
    extra = ParticipantMultipleChoiceField(
        label=_("Others at the table (optional)"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weight = forms.IntegerField(
        label=_("Priority"),
        min_value=1,
        max_value=10,
        initial=3,
        help_text=_(
            "1 to 10: the scheduler places higher-priority meetings first. "
            "A meeting from an accepted request has priority 2."
        ),
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for all three fields, however many participants there are.
        participants = list(participants)
        for name in ("first", "second", "extra"):
            self.fields[name].queryset = Participant.objects.filter(pk__in=[p.pk for p in participants])
            self.fields[name].choices = [
                *([] if name == "extra" else [("", "---------")]),
                *((p.pk, participant_label(p)) for p in participants),
            ]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second and first == second:
            self.add_error("second", _("Choose two different participants."))
        return cleaned

    def participants(self) -> list[Participant]:
        chosen = [self.cleaned_data["first"], self.cleaned_data["second"], *self.cleaned_data["extra"]]
        return list(dict.fromkeys(chosen))


class ScheduleForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=60,
        initial=10,
        help_text=_("The solver stops searching for a better schedule after this long."),
    )


class PinForm(forms.Form):
    meeting_id = IdField()
    slot = forms.ChoiceField(label=_("Slot"), required=False)
    unpin = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, slot_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", _("Choose a slot")), *slot_choices]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("unpin") and not cleaned.get("slot"):
            self.add_error("slot", _("Choose the slot to pin the meeting to."))
        return cleaned


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=200,
        help_text=_("Scan the QR code on the badge, or type the code printed under it."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "enterkeyhint": "go",
            }
        ),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=[(v, label) for v, label in Meeting.Outcome.choices if v],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a follow-up: what was agreed to do next."),
    )


class VndField(forms.CharField):
    """A whole amount in đồng, typed with or without thousands separators ("480.000.000")."""

    default_error_messages = {
        "invalid": _("Give the amount in whole đồng, e.g. 480.000.000."),
        "too_large": _("That amount is too large."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        value = value.replace("\u00a0", " ").strip()
        value = re.sub(r"^(₫|vnd)\s*|\s*(₫|đồng|đ|vnd)$", "", value, flags=re.IGNORECASE).strip()
        if not _AMOUNT.match(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(re.sub(r"\D", "", value))
        if amount > 10**15:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Agreement.Kind.choices, widget=forms.RadioSelect)
    buyer = ParticipantChoiceField(label=_("Buyer"), queryset=Participant.objects.none())
    supplier = ParticipantChoiceField(label=_("Cooperative"), queryset=Participant.objects.none())
    products = BoundedModelMultipleChoiceField(
        label=_("Products"),
        queryset=ProductPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    volume = forms.CharField(
        label=_("Volume"), max_length=200, help_text=_("e.g. 2 tấn/tháng trong 12 tháng")
    )
    value_vnd = VndField(
        label=_("Value (đồng)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 30}),
        help_text=_("Whole đồng, e.g. 480.000.000"),
    )
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document = forms.FileField(
        label=_("Signed document (optional)"),
        required=False,
        validators=[FileExtensionValidator(list(_DOCUMENT_SIGNATURES))],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
    )

    def __init__(self, *args, meeting: Meeting, products, **kwargs):
        super().__init__(*args, **kwargs)
        people = list(meeting.participants.all())
        buyers = [p for p in people if p.role == Participant.Role.BUYER]
        suppliers = [p for p in people if p.role == Participant.Role.COOPERATIVE]
        for name, choices in (("buyer", buyers), ("supplier", suppliers)):
            field = self.fields[name]
            field.queryset = Participant.objects.filter(pk__in=[p.pk for p in choices])
            field.choices = [("", "---------"), *((p.pk, participant_label(p)) for p in choices)]
            if len(choices) == 1:
                field.initial = choices[0].pk
        products = list(products)
        self.fields["products"].queryset = ProductPage.objects.filter(pk__in=[p.pk for p in products])
        self.fields["products"].choices = [(p.pk, p.display_name()) for p in products]
        self.fields["signed_on"].initial = timezone.localdate()

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if not document:
            return None
        if document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The document is larger than 10 MB."))
        extension = document.name.rsplit(".", 1)[-1].lower()
        head = document.read(16)
        document.seek(0)
        if not head.startswith(_DOCUMENT_SIGNATURES.get(extension, ())):
            raise forms.ValidationError(_("This file is not a PDF, JPG or PNG document."))
        return document

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("The signing date cannot be in the future."))
        return signed_on
