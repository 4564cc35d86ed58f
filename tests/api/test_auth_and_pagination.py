"""Authentication (token and session, staff only) and the shared pagination, search and ordering."""

import pytest
from rest_framework.test import APIClient

from acd.models import Skill

pytestmark = pytest.mark.django_db


def test_anonymous_requests_are_refused():
    """Without credentials every endpoint answers 401 or 403 and shows no data."""
    client = APIClient()
    for url in ("/api/skills/", "/api/call-profile-fields/", "/api/system/misc/", "/api/database-connections/"):
        assert client.get(url).status_code in (401, 403)
    assert client.post("/api/skills/", {"name": "x"}, format="json").status_code in (401, 403)
    assert not Skill.objects.exists()


def test_non_staff_users_are_refused(django_user_model):
    """A logged-in user who is not staff gets 403."""
    client = APIClient()
    client.force_login(django_user_model.objects.create_user("agent", password="agent-pass-123"))
    assert client.get("/api/skills/").status_code == 403


def test_token_obtain_and_token_authentication(admin_user):
    """POST username+password to /api/auth/token/ returns a token that authenticates later requests."""
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "admin", "password": "admin-pass-123"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/skills/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/skills/").status_code in (401, 403)


def test_token_obtain_with_a_wrong_password_is_a_400(admin_user):
    """Wrong credentials give no token."""
    response = APIClient().post("/api/auth/token/", {"username": "admin", "password": "nope"}, format="json")
    assert response.status_code == 400 and "token" not in response.json()


def test_pagination_defaults_to_50_and_follows_page_size(api):
    """Lists are pages of 50 with count/next/previous/results; page_size and page select others."""
    Skill.objects.bulk_create(Skill(name=f"Skill {n:03}") for n in range(60))
    body = api.get("/api/skills/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 60 and len(body["results"]) == 50 and body["previous"] is None
    assert "page=2" in body["next"]
    second = api.get("/api/skills/", {"page": 2}).json()
    assert len(second["results"]) == 10 and second["next"] is None
    assert len(api.get("/api/skills/", {"page_size": 7}).json()["results"]) == 7


def test_page_size_is_capped_at_500(api):
    """page_size above 500 returns 500 rows."""
    Skill.objects.bulk_create(Skill(name=f"Skill {n:03}") for n in range(501))
    assert len(api.get("/api/skills/", {"page_size": 1000}).json()["results"]) == 500


def test_search_and_ordering(api):
    """?search= matches name or description; ?ordering=-name reverses the order."""
    Skill.objects.bulk_create([Skill(name="English"), Skill(name="French", description="fluent"), Skill(name="German")])
    assert [r["name"] for r in api.get("/api/skills/", {"search": "fluent"}).json()["results"]] == ["French"]
    names = [r["name"] for r in api.get("/api/skills/", {"ordering": "-name"}).json()["results"]]
    assert names == ["German", "French", "English"]
