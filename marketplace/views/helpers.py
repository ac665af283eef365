"""What the buyer's pages share: a service's or a form's errors turned into messages for the page."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_messages(error) -> list[str]:
    """The messages of a ValidationError (or of any other exception, as one message)."""
    return list(error.messages) if hasattr(error, "messages") else [str(error)]


def form_messages(form) -> list[str]:
    """Every error of a bound form, in one list."""
    return [str(message) for messages_ in form.errors.values() for message in messages_]


def put_on_form(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: each field's messages on that field when the form
    has it, the rest on the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in ValidationError(field_errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
