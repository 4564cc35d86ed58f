"""System > CTI Webhooks: the secret on the page after creating (and after rotating) only."""

import re

import pytest

from acd.models import CtiDelivery, CtiWebhook

pytestmark = pytest.mark.django_db


def _secret(page: str) -> str:
    return re.search(r'id="cti-secret">([^<]+)<', page).group(1)


def test_creating_shows_the_secret_once(staff_client):
    response = staff_client.post(
        "/ccd/cti-webhooks/new/",
        {"name": "CRM", "url": "https://crm.example.com/hook", "events": ["offered", "ended"], "active": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "shown on this page only" in page
    assert "no-store" in response["Cache-Control"]
    webhook = CtiWebhook.objects.get(name="CRM")
    secret = _secret(page)
    assert webhook.get_secret() == secret and webhook.events == ["offered", "ended"]
    for url in ("/ccd/cti-webhooks/", f"/ccd/cti-webhooks/{webhook.pk}/edit/"):
        shown = staff_client.get(url).content.decode()
        assert "CRM" in shown and secret not in shown and webhook.secret_encrypted not in shown


def test_rotating_asks_first_then_shows_the_new_secret(staff_client):
    staff_client.post("/ccd/cti-webhooks/new/", {"name": "CRM", "url": "http://10.0.0.5:8080/", "events": ["ended"]})
    webhook = CtiWebhook.objects.get()
    before = webhook.get_secret()
    asked = staff_client.get(f"/ccd/cti-webhooks/{webhook.pk}/rotate-secret/")
    assert asked.status_code == 200 and before not in asked.content.decode()
    assert CtiWebhook.objects.get().get_secret() == before
    rotated = staff_client.post(f"/ccd/cti-webhooks/{webhook.pk}/rotate-secret/").content.decode()
    assert _secret(rotated) == CtiWebhook.objects.get().get_secret() != before


def test_a_url_that_is_not_http_is_refused_beside_its_field(staff_client):
    response = staff_client.post(
        "/ccd/cti-webhooks/new/", {"name": "X", "url": "ftp://x.example/", "events": ["ended"]}
    )
    assert response.status_code == 200 and "Enter a valid URL" in response.content.decode()
    assert not CtiWebhook.objects.exists()


def test_the_list_and_the_deliveries_page_show_the_last_delivery(staff_client):
    staff_client.post("/ccd/cti-webhooks/new/", {"name": "CRM", "url": "https://crm.example/", "events": ["ended"]})
    webhook = CtiWebhook.objects.get()
    CtiWebhook.objects.filter(pk=webhook.pk).update(
        last_delivery_at="2026-12-08T10:00:00Z", last_status=503, last_error="Service Unavailable"
    )
    CtiDelivery.objects.create(
        webhook=webhook,
        event_id="6c1a3f2e-0000-4000-8000-000000000002",
        kind="ended",
        call_id="c-77",
        attempt=1,
        status=503,
        error="Service Unavailable",
        result="retrying",
    )
    listed = staff_client.get("/ccd/cti-webhooks/").content.decode()
    assert "503" in listed and "Service Unavailable" in listed and "System" in listed and "CTI Webhooks" in listed
    log = staff_client.get(f"/ccd/cti-webhooks/{webhook.pk}/deliveries/").content.decode()
    assert "c-77" in log and "retrying" in log and "6c1a3f2e-0000-4000-8000-000000000002" in log
