"""Only logged-in users with a role reach the Director; everyone else is sent to the login page or refused."""

import pytest
from django.urls import reverse

from calls.models import CallProfileField, FieldKind
from tests.director.factories import (
    AgentFactory,
    DatabaseConnectionFactory,
    DNISFactory,
    GroupFactory,
    IRNFactory,
    ServiceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

PAGE_KEYS = ["database_connections", "call_profiles", "irns", "dnis", "services", "groups", "agents", "skills"]


def _objects():
    user_field = CallProfileField.objects.create(name="AccNo", tapi_property="_STCC_AccNo", kind=FieldKind.USER)
    return {
        "database_connections": DatabaseConnectionFactory(),
        "call_profiles": user_field,
        "irns": IRNFactory(),
        "dnis": DNISFactory(),
        "services": ServiceFactory(),
        "groups": GroupFactory(),
        "agents": AgentFactory(),
        "skills": SkillFactory(),
    }


def all_director_urls() -> list[str]:
    objects = _objects()
    urls = [reverse("director:home"), reverse("director:system_misc")]
    for key in PAGE_KEYS:
        urls += [reverse(f"director:{key}_list"), reverse(f"director:{key}_create")]
        urls += [reverse(f"director:{key}_{action}", args=[objects[key].pk]) for action in ("update", "delete")]
    return urls


def test_every_page_renders_for_a_staff_user(staff_client):
    """Home, System > Misc and the list, new, edit and delete pages of every entity answer 200."""
    for url in all_director_urls():
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert b'class="tree"' in response.content, url


def test_anonymous_users_are_redirected_to_the_login_page(client):
    """Every page, including the audio streams, sends an anonymous visitor to /ccd/login/?next=<page>."""
    service = ServiceFactory()
    urls = all_director_urls() + [
        reverse("director:system_moh"),
        reverse("director:service_audio", args=[service.pk, "music_on_hold"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('director:login')}?next={url}", url


def test_anonymous_post_saves_nothing(client):
    """A POST without a session is redirected to the login page and creates nothing."""
    response = client.post(reverse("director:skills_create"), {"name": "Sneaky"})
    assert response.status_code == 302
    assert not SkillFactory._meta.model.objects.filter(name="Sneaky").exists()


def test_logged_in_users_without_a_role_are_refused(client, plain_user):
    """A user without a role gets 403 rather than a redirect loop to the login page."""
    client.force_login(plain_user)
    assert client.get(reverse("director:home")).status_code == 403
    assert client.get(reverse("director:irns_list")).status_code == 403
    assert client.get(reverse("director:system_moh")).status_code == 403


def test_login_page_logs_a_staff_user_in_and_goes_home(client, admin_user):
    """The login form accepts staff credentials and redirects to the Director home page."""
    assert client.get(reverse("director:login")).status_code == 200
    response = client.post(reverse("director:login"), {"username": "admin", "password": "admin-pass-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("director:home")
    assert client.get(reverse("director:home")).status_code == 200


def test_login_refuses_users_without_a_role(client, plain_user):
    """Correct credentials of a user without a role do not open a session; the page says why."""
    response = client.post(reverse("director:login"), {"username": "agent7", "password": "agent-pass-123"})
    assert response.status_code == 200
    assert b"has no role in ccweb" in response.content
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(staff_client):
    """GET does not log out (a link or image cannot end a session); POST does and goes to the login page."""
    assert staff_client.get(reverse("director:logout")).status_code == 405
    response = staff_client.post(reverse("director:logout"))
    assert response["Location"] == reverse("director:login")
    assert staff_client.get(reverse("director:home")).status_code == 302
