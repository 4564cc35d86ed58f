"""Every configuration model is in the admin, and its changelist, add and change pages render."""

import pytest
from django.urls import reverse

from calls.models import SystemSettings
from calls.selectors import system_settings
from tests.factories import (
    AgentFactory,
    DatabaseConnectionFactory,
    DNISFactory,
    GroupFactory,
    IRNFactory,
    ScriptFactory,
    ServiceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "calls.callprofilefield": None,
    "routing.dnis": DNISFactory,
    "routing.irn": IRNFactory,
    "acd.service": ServiceFactory,
    "acd.group": GroupFactory,
    "acd.agent": AgentFactory,
    "acd.skill": SkillFactory,
    "calls.systemsettings": None,
    "scripts_app.script": ScriptFactory,
    "scripts_app.databaseconnection": DatabaseConnectionFactory,
}


def admin_url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


@pytest.mark.parametrize("label", MODELS)
def test_changelist_and_add_pages_render(admin_client, label):
    """The superuser sees the changelist and the add form of each model."""
    assert admin_client.get(admin_url(label, "changelist")).status_code == 200
    assert admin_client.get(admin_url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", [label for label, factory in MODELS.items() if factory])
def test_change_page_renders(admin_client, label):
    """An existing row opens in its change form."""
    obj = MODELS[label]()
    response = admin_client.get(admin_url(label, "change", obj.pk))
    assert response.status_code == 200
    assert b'type="submit"' in response.content


def test_index_lists_every_model(admin_client):
    """The admin index links to every configuration model."""
    html = admin_client.get(reverse("admin:index")).content.decode()
    for label in MODELS:
        assert admin_url(label, "changelist") in html


def test_system_settings_is_a_single_row_that_cannot_be_added_twice_or_deleted(admin_client):
    """Once the row exists the admin offers no add; it never offers delete."""
    row = system_settings()
    assert admin_client.get(admin_url("calls.systemsettings", "add")).status_code == 403
    change = admin_client.get(admin_url("calls.systemsettings", "change", row.pk))
    assert change.status_code == 200 and b"deletelink" not in change.content
    assert admin_client.post(admin_url("calls.systemsettings", "delete", row.pk), {"post": "yes"}).status_code == 403
    assert SystemSettings.objects.count() == 1


def test_system_settings_added_in_the_admin_is_row_1(admin_client):
    """The add form creates the single row through the service, which pins pk=1."""
    response = admin_client.post(admin_url("calls.systemsettings", "add"), {"default_language": "3"})
    assert response.status_code == 302
    assert list(SystemSettings.objects.values_list("pk", "default_language")) == [(1, 3)]
