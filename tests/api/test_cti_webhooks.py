"""/api/cti-webhooks/: the secret is generated, encrypted at rest, in the create (and rotate) response only."""

import pytest
from django.urls import reverse

from acd.models import CtiDelivery, CtiWebhook

pytestmark = pytest.mark.django_db

URL = "/api/cti-webhooks/"


def create(api, **extra):
    return api.post(URL, {"name": "CRM", "url": "https://crm.example.com/hook", **extra}, format="json")


def test_the_secret_is_in_the_create_response_only_and_encrypted_at_rest(api):
    response = create(api)
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert body["events"] == ["offered", "answered", "transferred", "ended"] and body["active"] is True
    stored = CtiWebhook.objects.get(pk=body["id"])
    assert secret not in stored.secret_encrypted and stored.get_secret() == secret
    for url in (URL, f"{URL}{body['id']}/"):
        assert secret not in api.get(url).content.decode() and "secret" not in api.get(url).content.decode()
    changed = api.patch(f"{URL}{body['id']}/", {"active": False, "secret": "mine"}, format="json")
    assert changed.status_code == 200 and "secret" not in changed.json()
    assert CtiWebhook.objects.get(pk=body["id"]).get_secret() == secret  # a secret is never taken from outside


def test_rotating_gives_a_new_secret_once(api):
    webhook = create(api).json()
    rotated = api.post(f"{URL}{webhook['id']}/rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != webhook["secret"]
    assert CtiWebhook.objects.get(pk=webhook["id"]).get_secret() == rotated.json()["secret"]


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"url": "ftp://crm.example.com/hook"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"events": ["ringing"]}, "events"),
        ({"events": []}, "events"),
    ],
)
def test_bad_urls_and_events_are_field_errors(api, extra, field):
    response = create(api, **extra)
    assert response.status_code == 400 and field in str(response.json()), response.json()
    assert not CtiWebhook.objects.exists()


def test_the_deliveries_are_listed_newest_first(api):
    webhook = create(api).json()
    row = CtiWebhook.objects.get(pk=webhook["id"])
    for attempt, result in ((1, "retrying"), (2, "delivered")):
        CtiDelivery.objects.create(
            webhook=row, event_id="6c1a3f2e-0000-4000-8000-000000000001", kind="ended", attempt=attempt, result=result
        )
    listed = api.get(f"{URL}{webhook['id']}/deliveries/").json()
    assert [d["attempt"] for d in listed] == [2, 1] and listed[0]["result"] == "delivered"


def test_only_administrators_configure_webhooks(client, role_user):
    client.force_login(role_user("supervisor"))
    response = client.get(URL)
    assert response.status_code == 403 and response.json()["detail"] == "Configuration is for administrators."


def test_the_schema_shows_the_secret_read_only_and_only_where_it_is_given(api):
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert "secret" not in components["CtiWebhook"]["properties"]
    assert "secret" not in components["CtiWebhookRequest"]["properties"]
    assert components["CtiWebhookCreated"]["properties"]["secret"]["readOnly"] is True
    created = schema["paths"][URL]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["$ref"].endswith("/CtiWebhookCreated")
    assert "/api/cti-webhooks/{id}/rotate-secret/" in schema["paths"]
