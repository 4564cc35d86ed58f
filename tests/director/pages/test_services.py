"""Routing > Services: ordered agent groups, queue limit, no-agent destination, audio uploads."""

import pytest
from django.urls import reverse

from acd.models import Service, ServiceGroup
from calls.models import CallProfileField
from tests.director.factories import GroupFactory, IRNFactory, ServiceFactory
from tests.director.html import field_error

pytestmark = pytest.mark.django_db

LIST_URL = reverse("director:services_list")
CREATE_URL = reverse("director:services_create")


def _data(groups=(), **overrides):
    """Form data; `groups` is the groups in the wanted order, posted with position numbers."""
    data = {"name": "Stock trades", "description": "", "priority": "5", "announcement_interval": "60",
            "announce_position": "on", "groups": [g.pk for g in groups], "strategy": "longest_idle",
            "ring_timeout": "15", "no_answer_state": "released", "max_queue_length": "0",
            "no_agent_timeout": "30", "callback_attempts": "3"}  # fmt: skip
    for position, group in enumerate(groups, start=1):
        data[f"groups_{group.pk}_position"] = str(position)
    return data | overrides


def _group_order(service):
    return [row.group.name for row in ServiceGroup.objects.filter(service=service).order_by("position")]


def test_create_service_with_groups_in_the_given_order(staff_client):
    sales, support, billing = GroupFactory(name="Sales"), GroupFactory(name="Support"), GroupFactory(name="Billing")
    response = staff_client.post(CREATE_URL, _data(groups=[support, billing, sales], priority="7"))
    assert response["Location"] == LIST_URL
    service = Service.objects.get(name="Stock trades")
    assert service.priority == 7
    assert _group_order(service) == ["Support", "Billing", "Sales"]


def test_position_numbers_decide_the_order_not_the_post_order(staff_client):
    """Rows may be posted in any order: position 1 comes first; a ticked row without a number goes last."""
    a, b, c = GroupFactory(name="A"), GroupFactory(name="B"), GroupFactory(name="C")
    data = _data() | {"groups": [a.pk, b.pk, c.pk], f"groups_{a.pk}_position": "", f"groups_{b.pk}_position": "2",
                      f"groups_{c.pk}_position": "1"}  # fmt: skip
    staff_client.post(CREATE_URL, data)
    assert _group_order(Service.objects.get()) == ["C", "B", "A"]


def test_edit_reorders_and_drops_groups(staff_client):
    sales, support, billing = GroupFactory(name="Sales"), GroupFactory(name="Support"), GroupFactory(name="Billing")
    service = ServiceFactory(name="Stock trades", groups=[sales, support, billing])
    staff_client.post(reverse("director:services_update", args=[service.pk]), _data(groups=[billing, sales]))
    assert _group_order(service) == ["Billing", "Sales"]


def test_edit_form_shows_the_current_order(staff_client):
    """Picked groups come first, numbered in their order, then the others unticked."""
    sales, support, billing = GroupFactory(name="Sales"), GroupFactory(name="Support"), GroupFactory(name="Billing")
    service = ServiceFactory(groups=[support, sales])
    html = staff_client.get(reverse("director:services_update", args=[service.pk])).content.decode()
    assert html.index(">Support</label>") < html.index(">Sales</label>") < html.index(">Billing</label>")
    assert f'name="groups_{support.pk}_position" value="1"' in html
    assert f'name="groups_{sales.pk}_position" value="2"' in html
    assert f'name="groups_{billing.pk}_position" value=""' in html


def test_list_draws_the_groups_as_numbered_chips_in_order(staff_client):
    ServiceFactory(name="Stock trades", groups=[GroupFactory(name="Support"), GroupFactory(name="Sales")])
    html = staff_client.get(LIST_URL).content.decode()
    assert '<span class="chip"><b>1</b>Support</span><span class="chip"><b>2</b>Sales</span>' in html


def test_a_non_numeric_position_is_refused_beside_the_groups(staff_client):
    group = GroupFactory(name="Sales")
    response = staff_client.post(CREATE_URL, _data() | {"groups": [group.pk], f"groups_{group.pk}_position": "x"})
    assert "position of 'Sales' must be a whole number" in field_error(response, "groups")
    assert not Service.objects.exists()


def test_max_queue_time_needs_an_overflow_destination(staff_client):
    response = staff_client.post(CREATE_URL, _data(max_queue_time="120"))
    assert "needs an overflow destination" in field_error(response, "overflow_kind")
    assert not Service.objects.exists()


def test_overflow_and_no_agent_destinations(staff_client):
    backup = ServiceFactory(name="Backup")
    staff_client.post(
        CREATE_URL,
        _data(max_queue_time="120", overflow_kind="service", overflow_service=backup.pk,
              no_agent_kind="device", no_agent_device="sip:voicemail@pbx.example.com"),
    )  # fmt: skip
    service = Service.objects.get(name="Stock trades")
    assert (service.max_queue_time, service.overflow_service) == (120, backup)
    assert (service.no_agent_kind, service.no_agent_device) == ("device", "sip:voicemail@pbx.example.com")
    html = staff_client.get(LIST_URL).content.decode()
    assert '<span class="muted">after 120 s</span>' in html
    assert "Service <strong>Backup</strong>" in html


def test_a_service_cannot_overflow_to_itself(staff_client):
    """The edit form does not even offer the service itself as its overflow target."""
    service = ServiceFactory(name="Stock trades")
    response = staff_client.post(
        reverse("director:services_update", args=[service.pk]),
        _data(max_queue_time="60", overflow_kind="service", overflow_service=service.pk),
    )
    assert "Select a valid choice" in field_error(response, "overflow_service")


def test_announcement_interval_below_the_minimum_is_refused(staff_client):
    response = staff_client.post(CREATE_URL, _data(announcement_interval="5"))
    assert field_error(response, "announcement_interval")
    assert not Service.objects.exists()


@pytest.mark.integration
def test_non_audio_music_on_hold_is_refused_beside_the_field(staff_client, text_upload):
    """sox cannot read it: the service's error shows beside Music on hold and no service is created."""
    response = staff_client.post(CREATE_URL, _data(music_on_hold=text_upload()))
    assert response.status_code == 200
    assert "is not an audio file ccweb can play" in field_error(response, "music_on_hold")
    assert not Service.objects.exists()


@pytest.mark.integration
def test_audio_uploads_are_stored_as_wav_and_play_in_the_form(staff_client, wav_upload):
    """An uploaded WAV is converted and stored; the edit form plays it through a login-required URL."""
    staff_client.post(
        CREATE_URL, _data(music_on_hold=wav_upload("hold.wav"), welcome_announcement=wav_upload("hi.wav"))
    )
    service = Service.objects.get(name="Stock trades")
    assert service.music_on_hold.name.endswith(".wav") and service.welcome_announcement
    html = staff_client.get(reverse("director:services_update", args=[service.pk])).content.decode()
    audio_url = reverse("director:service_audio", args=[service.pk, "music_on_hold"])
    assert f'<audio controls preload="none" src="{audio_url}"></audio>' in html
    response = staff_client.get(audio_url)
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


@pytest.mark.integration
def test_saving_without_a_new_upload_keeps_the_stored_audio(staff_client, wav_upload):
    staff_client.post(CREATE_URL, _data(music_on_hold=wav_upload()))
    service = Service.objects.get()
    stored = service.music_on_hold.name
    staff_client.post(reverse("director:services_update", args=[service.pk]), _data(description="Edited"))
    service.refresh_from_db()
    assert (service.description, service.music_on_hold.name) == ("Edited", stored)


@pytest.mark.integration
def test_remove_box_forgets_the_stored_audio(staff_client, wav_upload):
    staff_client.post(CREATE_URL, _data(music_on_hold=wav_upload()))
    service = Service.objects.get()
    staff_client.post(reverse("director:services_update", args=[service.pk]), _data() | {"music_on_hold-clear": "on"})
    service.refresh_from_db()
    assert not service.music_on_hold


def test_delete_service_in_use_by_an_irn_explains_why(staff_client):
    irn = IRNFactory(number="8001")
    response = staff_client.post(reverse("director:services_delete", args=[irn.destination_service.pk]))
    assert "cannot be deleted: it is used by IRN &#x27;8001" in response.content.decode()
    assert Service.objects.filter(pk=irn.destination_service.pk).exists()


def test_delete_service(staff_client):
    service = ServiceFactory(groups=[GroupFactory()])
    staff_client.post(reverse("director:services_delete", args=[service.pk]))
    assert not Service.objects.exists() and not ServiceGroup.objects.exists()


def test_acd_settings_are_saved_and_shown_in_their_own_section(staff_client):
    field = CallProfileField.objects.create(name="Skills", tapi_property="_STCC_Skills")
    html = staff_client.get(CREATE_URL).content.decode()
    assert ">ACD<" in html and 'name="strategy"' in html and "Best skill fit" in html
    acd = {"strategy": "fewest_calls", "ring_timeout": "45", "no_answer_state": "available", "max_queue_length": "12",
           "no_agent_timeout": "90", "skills_field": str(field.pk), "callback_abandoned": "on",
           "callback_attempts": "6"}  # fmt: skip
    response = staff_client.post(CREATE_URL, _data() | acd)
    assert response["Location"] == LIST_URL
    service = Service.objects.get(name="Stock trades")
    assert (service.strategy, service.ring_timeout, service.no_answer_state) == ("fewest_calls", 45, "available")
    assert (service.max_queue_length, service.no_agent_timeout, service.skills_field) == (12, 90, field)
    assert (service.callback_abandoned, service.callback_attempts) == (True, 6)
    assert "Fewest calls" in staff_client.get(LIST_URL).content.decode()


def test_ring_timeout_below_five_seconds_is_refused(staff_client):
    response = staff_client.post(CREATE_URL, _data(ring_timeout="4"))
    assert "The ring timeout must be at least 5 seconds." in field_error(response, "ring_timeout")
    assert not Service.objects.exists()
