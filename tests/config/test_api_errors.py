"""The API maps the domain's exceptions once, in config/api.py: 400, 403 and 404 with a `detail`."""

import json

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.test import RequestFactory

from config.api import api


def _answer(exc):
    response = api.on_exception(RequestFactory().get("/api/v1/anything"), exc)
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (ValidationError(["Too many.", "Too late."]), 400, "Too many. Too late."),
        (ValidationError({"quantity": ["Must be positive."]}), 400, "Must be positive."),
        (PermissionDenied("Not your cooperative."), 403, "Not your cooperative."),
        (PermissionDenied(), 403, "You may not do this."),
        (ObjectDoesNotExist("No fair 7."), 404, "No fair 7."),
    ],
)
def test_domain_errors_answer_with_their_status_and_a_detail(exc, status, detail, settings):
    settings.LANGUAGE_CODE = "en"
    got_status, body = _answer(exc)
    assert got_status == status
    assert body["detail"] == detail


def test_a_model_does_not_exist_is_a_404():
    from catalog.models import CooperativePage

    status, body = _answer(CooperativePage.DoesNotExist("No cooperative 9."))
    assert (status, body["detail"]) == (404, "No cooperative 9.")
