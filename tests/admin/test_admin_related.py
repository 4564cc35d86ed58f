"""Admin forms whose data the service saves together: inlines (service groups, agent skills), passwords, audio."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acd.models import Agent, AgentSkill, Service, ServiceGroup
from scripts_app.models import DatabaseConnection
from tests.admin.conftest import inline_management
from tests.factories import GroupFactory, ServiceFactory, SkillFactory

pytestmark = pytest.mark.django_db
SECRET = "s3cret-Pa55word"


def service_form(name="Support", **extra):
    data = {"name": name, "priority": "5", "announcement_interval": "60", "announce_position": "on"}
    data |= {"strategy": "longest_idle", "ring_timeout": "15", "no_answer_state": "released", "max_queue_length": "0",
             "no_agent_timeout": "30", "callback_attempts": "3"}  # fmt: skip
    return data | inline_management("service_groups", 0) | extra


def agent_form(rows, **extra):
    data = {"number": "1001", "name": "Alice", "extension": "sip:1001@pbx.example.com"}
    data |= inline_management("agent_skills", len(rows))
    for i, (skill, level) in enumerate(rows):
        data |= {f"agent_skills-{i}-skill": str(skill.pk), f"agent_skills-{i}-level": str(level)}
    return data | extra


def test_service_groups_inline_is_saved_in_position_order(admin_client):
    """The inline's rows become the service's ordered groups (by the position column, not row order)."""
    first, second = GroupFactory(name="Z first"), GroupFactory(name="A second")
    data = service_form() | inline_management("service_groups", 2)
    data |= {"service_groups-0-group": str(second.pk), "service_groups-0-position": "2"}
    data |= {"service_groups-1-group": str(first.pk), "service_groups-1-position": "1"}
    response = admin_client.post(reverse("admin:acd_service_add"), data)
    assert response.status_code == 302
    service = Service.objects.get(name="Support")
    rows = ServiceGroup.objects.filter(service=service).order_by("position")
    assert [(row.group_id, row.position) for row in rows] == [(first.pk, 0), (second.pk, 1)]


def test_service_change_keeps_its_groups(admin_client):
    """Editing a service with its existing inline rows keeps them."""
    service, group = ServiceFactory(), GroupFactory()
    ServiceGroup.objects.create(service=service, group=group, position=0)
    row = ServiceGroup.objects.get(service=service)
    data = service_form(name="Renamed") | inline_management("service_groups", 1, initial=1)
    data |= {
        "service_groups-0-id": str(row.pk),
        "service_groups-0-service": str(service.pk),
        "service_groups-0-group": str(group.pk),
        "service_groups-0-position": "0",
    }
    assert admin_client.post(reverse("admin:acd_service_change", args=[service.pk]), data).status_code == 302
    service.refresh_from_db()
    assert service.name == "Renamed" and list(service.groups.all()) == [group]


def test_agent_with_skill_levels_and_groups(admin_client):
    """An agent added with skill rows and groups is saved with them."""
    english, french = SkillFactory(), SkillFactory()
    group = GroupFactory()
    response = admin_client.post(
        reverse("admin:acd_agent_add"), agent_form([(english, 8), (french, 3)], groups=[group.pk])
    )
    assert response.status_code == 302
    agent = Agent.objects.get(number="1001")
    assert sorted(AgentSkill.objects.filter(agent=agent).values_list("skill_id", "level")) == sorted(
        [(english.pk, 8), (french.pk, 3)]
    )
    assert list(agent.groups.all()) == [group]


def test_agent_with_the_same_skill_twice_is_refused_and_nothing_saved(admin_client):
    """Two rows with one skill re-render the page with an error; no agent, no skill row."""
    skill = SkillFactory()
    response = admin_client.post(reverse("admin:acd_agent_add"), agent_form([(skill, 2), (skill, 4)]))
    assert response.status_code == 200 and "duplicate" in response.content.decode().lower()
    assert not Agent.objects.exists() and not AgentSkill.objects.exists()


def test_agent_with_a_malformed_extension_is_a_form_error(admin_client):
    """A malformed SIP URI is an error on extension."""
    response = admin_client.post(reverse("admin:acd_agent_add"), agent_form([], extension="pbx:1001"))
    assert response.status_code == 200 and "extension" in response.context["adminform"].form.errors
    assert not Agent.objects.exists()


def test_database_connection_password_is_write_only_and_encrypted(admin_client):
    """The admin encrypts a new password, keeps it when left empty, and never puts it or its ciphertext in a page."""
    data = {
        "name": "Acct_Data",
        "dsn": "crm",
        "database_type": "mysql",
        "timeout": "30",
        "simultaneous_connections": "4",
        "username": "ccweb",
        "password": SECRET,
    }
    assert admin_client.post(reverse("admin:scripts_app_databaseconnection_add"), data).status_code == 302
    connection = DatabaseConnection.objects.get()
    assert SECRET not in connection.password_encrypted and connection.get_password() == SECRET
    change = reverse("admin:scripts_app_databaseconnection_change", args=[connection.pk])
    for url in (change, reverse("admin:scripts_app_databaseconnection_changelist")):
        html = admin_client.get(url).content.decode()
        assert SECRET not in html and connection.password_encrypted not in html
    assert admin_client.post(change, data | {"password": "", "timeout": "40"}).status_code == 302
    connection.refresh_from_db()
    assert connection.timeout == 40 and connection.get_password() == SECRET
    assert admin_client.post(change, data | {"password": "", "clear_password": "on"}).status_code == 302
    connection.refresh_from_db()
    assert connection.password_encrypted == ""


def test_database_connection_zero_simultaneous_connections_is_a_form_error(admin_client):
    """Simultaneous Connections 0 is refused on that field."""
    data = {"name": "X", "dsn": "crm", "database_type": "mysql", "timeout": "30", "simultaneous_connections": "0"}
    response = admin_client.post(reverse("admin:scripts_app_databaseconnection_add"), data)
    assert response.status_code == 200
    assert "simultaneous_connections" in response.context["adminform"].form.errors
    assert not DatabaseConnection.objects.exists()


@pytest.mark.integration
def test_non_audio_music_on_hold_is_a_form_error_from_the_service(admin_client):
    """The form accepts any file; the service's sox conversion refuses it and the admin shows it on the field."""
    bad = SimpleUploadedFile("notes.wav", b"not audio at all", content_type="audio/wav")
    response = admin_client.post(reverse("admin:acd_service_add"), service_form(music_on_hold=bad))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "not an audio file" in errors["music_on_hold"][0]
    assert not Service.objects.exists()


@pytest.mark.integration
def test_music_on_hold_upload_is_converted(admin_client, tmp_path):
    """A real recording uploaded in the admin is stored as telephony WAV."""
    path = tmp_path / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "44100", str(path), "synth", "0.5", "sine", "440"], check=True)
    upload = SimpleUploadedFile("tone.wav", path.read_bytes(), content_type="audio/wav")
    assert admin_client.post(reverse("admin:acd_service_add"), service_form(music_on_hold=upload)).status_code == 302
    assert Service.objects.get().music_on_hold.name.endswith(".wav")


def test_service_acd_settings_are_saved_from_the_admin(admin_client):
    data = service_form(strategy="best_skill", ring_timeout="40", callback_abandoned="on", callback_attempts="7")
    assert admin_client.post(reverse("admin:acd_service_add"), data).status_code == 302
    service = Service.objects.get(name="Support")
    assert (service.strategy, service.ring_timeout, service.callback_abandoned, service.callback_attempts) == (
        "best_skill",
        40,
        True,
        7,
    )
