"""Every API error, whoever raises it, is one shape: {"code", "detail"} plus "errors" by field for invalid input."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from calls.api.views import SystemMiscView
from calls.models import CallProfileField
from core.api.exceptions import field_errors
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def test_invalid_input_names_each_field_by_its_path(api):
    """Nested fields are dotted (skills.0.level); `detail` says it all in one sentence list."""
    skill = SkillFactory()
    body = {"number": "1004", "extension": "sip:1004@pbx.example.com", "skills": [{"skill": skill.pk, "level": 11}]}
    response = api.post("/api/agents/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "name: This field is required. skills.0.level: Ensure this value is less than or equal to 10.",
        "errors": {
            "name": ["This field is required."],
            "skills.0.level": ["Ensure this value is less than or equal to 10."],
        },
    }


def test_a_service_error_without_a_field_is_a_non_field_error(api):
    """The service layer's "cannot be deleted" has no field: it goes under non_field_errors, bare in `detail`."""
    ani = CallProfileField.objects.get(name="ANI")
    response = api.delete(f"/api/call-profile-fields/{ani.pk}/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] == body["errors"]["non_field_errors"][0]
    assert "cannot be deleted" in body["detail"]


def test_field_errors_flattens_drf_details():
    """Lists of items and dicts of keys become dotted paths; valid items ({}) leave nothing behind."""
    detail = {
        "skills": [{}, {"level": ["too high"]}],
        "fields": {"Language": ["not a string"]},
        "tags": {0: ["blank"]},
        "non_field_errors": ["in use"],
    }
    assert field_errors(detail) == {
        "skills.1.level": ["too high"],
        "fields.Language": ["not a string"],
        "tags.0": ["blank"],
        "non_field_errors": ["in use"],
    }
    assert field_errors(["no field"]) == {"non_field_errors": ["no field"]}


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/agents/999/", 404, "not_found"),
        ("delete", "/api/system/misc/", 405, "method_not_allowed"),
        ("get", "/api/nothing-here/", 404, "not_found"),  # no URL at all: Django's 404, same shape
        ("get", "/api/agents/1.5/", 404, "not_found"),
    ],
)
def test_http_errors_have_a_code_and_a_detail(api, method, path, status, code):
    response = getattr(api, method)(path)
    assert response.status_code == status and response["Content-Type"] == "application/json"
    assert set(response.json()) == {"code", "detail"} and response.json()["code"] == code


def test_a_body_that_is_not_json_or_not_readable(api):
    """Malformed JSON is parse_error (400); a Content-Type the endpoint does not read is 415."""
    response = api.generic("POST", "/api/skills/", "{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert "JSON parse error" in response.json()["detail"]
    response = api.generic("POST", "/api/skills/", "name=x", content_type="text/plain")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_authentication_and_permission_errors(admin_user, django_user_model):
    """No credentials 401 not_authenticated, a bad token 401 authentication_failed, a non-staff user 403."""
    anonymous = APIClient()
    response = anonymous.get("/api/skills/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")
    bad = anonymous.get("/api/skills/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401 and bad.json() == {"code": "authentication_failed", "detail": "Invalid token."}
    agent = django_user_model.objects.create_user("agent", password="agent-pass-123")
    staffless = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    response = staffless.get("/api/skills/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_crash_under_api_is_a_json_500_and_elsewhere_django_s_page(admin_user, monkeypatch):
    """Django's 500 handler answers in the error shape under /api/ only (nothing of the exception leaks)."""

    def crash(view):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(SystemMiscView, "get_object", crash)
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.get("/api/system/misc/")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "detail": "A server error occurred."}
    assert client.get("/nothing-here/")["Content-Type"].startswith("text/html")


def test_transfer_errors_are_in_the_same_shape(api):
    """The transfer endpoint's body errors and refusals, which once answered {"target": [...]}."""
    response = api.post("/api/calls/c1/transfer/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "target: This field is required.",
        "errors": {"target": ["This field is required."]},
    }
    response = api.post("/api/calls/c1/transfer/", {"target": "5200"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"code": "unknown_call", "detail": "There is no call c1 in progress."}
