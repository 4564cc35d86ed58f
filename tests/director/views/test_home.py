"""The home page counts each configured thing and links to it; it shows each role what it may use."""

import pytest
from django.urls import reverse

from tests.director.factories import GroupFactory, IRNFactory

pytestmark = pytest.mark.django_db


def _card(html: str, title: str) -> str:
    start = html.index(f">{title}</a></h2>")
    return html[start : html.index("</section>", start)]


def test_home_counts_configured_things_with_links(staff_client):
    IRNFactory.create_batch(2)  # and two services with them
    GroupFactory.create_batch(3)
    html = staff_client.get(reverse("director:home")).content.decode()
    assert '<span class="count">2</span>' in _card(html, "IRNs")
    assert '<span class="count">2</span>' in _card(html, "Services")
    assert '<span class="count">3</span>' in _card(html, "Groups")
    assert '<span class="count">0</span>' in _card(html, "Agents")
    assert f'href="{reverse("director:irns_list")}"' in _card(html, "IRNs")
    assert f'href="{reverse("director:agents_create")}"' in _card(html, "Agents")


def test_home_splits_call_profile_fields_into_mandatory_and_user(staff_client):
    html = staff_client.get(reverse("director:home")).content.decode()
    assert "43 mandatory + 0 user fields" in _card(html, "Call Profiles")


def test_home_links_system_misc(staff_client):
    html = staff_client.get(reverse("director:home")).content.decode()
    assert f'href="{reverse("director:system_misc")}"' in html
    assert "Default music on hold" in html and "Language: English" in html


def test_an_integrators_home_is_the_cti_stream_and_the_token_endpoint(client, role_user):
    """An integrator lands on the home page, which names the CTI socket and the token endpoint and links no
    page it may not open."""
    integrator = role_user("integrator")
    response = client.post(
        reverse("director:login"), {"username": integrator.username, "password": "integrator-user-pass-123"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("director:home")
    html = client.get(reverse("director:home")).content.decode()
    card = _card_by_id(html, "cti-stream")
    assert "<code>ws://testserver/ws/cti/</code>" in card
    assert f"POST {reverse('api:token-obtain')}" in card and "docs/cti.md" in card
    assert "another application" in html
    for url_name in ("director:live_queues", "director:irns_list", "director:system_misc"):
        assert f'href="{reverse(url_name)}"' not in html, url_name


def test_the_cti_card_says_wss_over_https_and_a_supervisor_sees_it_too(client, role_user):
    """Over HTTPS the address is wss://; a supervisor sees the card too (it may read the stream)."""
    client.force_login(role_user("supervisor"))
    html = client.get(reverse("director:home"), secure=True).content.decode()
    assert "<code>wss://testserver/ws/cti/</code>" in _card_by_id(html, "cti-stream")
    assert f'href="{reverse("director:live_queues")}"' in html


def _card_by_id(html: str, card_id: str) -> str:
    start = html.index(f'id="{card_id}"')
    return html[start : html.index("</section>", start)]
