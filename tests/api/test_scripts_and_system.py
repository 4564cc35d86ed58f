"""/api/scripts/ (plain CRUD) and /api/system/misc/ (a singleton: GET, PUT, PATCH only)."""

import pytest

from calls.models import SystemSettings
from scripts_app.models import Script

pytestmark = pytest.mark.django_db
MISC = "/api/system/misc/"


def test_script_crud(api):
    """Scripts can be created, read, updated and deleted."""
    response = api.post("/api/scripts/", {"name": "Welcome", "description": "greets"}, format="json")
    assert response.status_code == 201, response.content
    detail = f"/api/scripts/{response.json()['id']}/"
    assert api.get(detail).json()["name"] == "Welcome"
    assert api.patch(detail, {"name": "Hello"}, format="json").json()["name"] == "Hello"
    assert api.delete(detail).status_code == 204
    assert not Script.objects.exists()


def test_system_misc_get_put_patch(api):
    """GET returns the single row; PUT and PATCH change it; it stays the only row (pk=1)."""
    body = api.get(MISC).json()
    assert body == {"music_on_hold": None, "default_language": 0}
    assert api.put(MISC, {"default_language": 2}, format="json").json()["default_language"] == 2
    assert api.patch(MISC, {"default_language": 4}, format="json").json()["default_language"] == 4
    assert list(SystemSettings.objects.values_list("pk", "default_language")) == [(1, 4)]


def test_system_misc_cannot_be_created_or_deleted(api):
    """POST and DELETE are not offered on the singleton."""
    assert api.post(MISC, {"default_language": 1}, format="json").status_code == 405
    assert api.delete(MISC).status_code == 405


def test_system_misc_rejects_an_unknown_language(api):
    """A language outside the guide's list -> 400 on default_language."""
    response = api.patch(MISC, {"default_language": 9}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["default_language"]


@pytest.mark.integration
def test_system_misc_music_on_hold_multipart_upload(api, tone):
    """Music on hold uploads as multipart and is stored converted, as a .wav under moh/."""
    response = api.patch(MISC, {"music_on_hold": tone}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["music_on_hold"].endswith(".wav")
    assert SystemSettings.objects.get(pk=1).music_on_hold.name.startswith("moh/")
