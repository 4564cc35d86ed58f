"""Monitoring > Live Queues: staff only, and the page carries the names the live feed lacks."""

import json

import pytest
from django.urls import reverse

from tests.director.factories import AgentFactory, GroupFactory, ServiceFactory
from tests.director.html import nav_labels

pytestmark = pytest.mark.django_db

URL = "/ccd/live/"


def _embedded_directory(html: str) -> dict:
    start = html.index('<script id="live-directory" type="application/json">') + len(
        '<script id="live-directory" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_page_lives_at_ccd_live():
    assert reverse("director:live_queues") == URL


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('director:login')}?next={URL}"


def test_users_without_monitoring_are_refused(client, plain_user, role_user):
    client.force_login(plain_user)
    assert client.get(URL).status_code == 403
    client.force_login(role_user("agent"))
    assert client.get(URL).status_code == 403
    client.force_login(role_user("supervisor"))
    assert client.get(URL).status_code == 200


def test_staff_see_the_page_with_the_names_and_groups_map(staff_client):
    """Agent number -> id, name, groups and service -> groups in ACD order, for the JS to label the feed."""
    tier1, tier2 = GroupFactory(name="Tier1"), GroupFactory(name="Tier2")
    ada = AgentFactory(number="1001", name="Ada <Lovelace>")
    ada.groups.add(tier1, tier2)
    bob = AgentFactory(number="1002", name="Bob")
    ServiceFactory(name="Sales", groups=[tier2, tier1])
    ServiceFactory(name="Empty")

    response = staff_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert _embedded_directory(html) == {
        "agents": {
            "1001": {"id": ada.pk, "name": "Ada <Lovelace>", "groups": ["Tier1", "Tier2"]},
            "1002": {"id": bob.pk, "name": "Bob", "groups": []},
        },
        "services": {"Empty": {"groups": []}, "Sales": {"groups": ["Tier2", "Tier1"]}},
    }
    assert "Ada <Lovelace>" not in html  # json_script escapes it: no markup from a name
    assert 'data-ws-path="/ws/acd/wallboard/"' in html
    assert 'data-force-url="/api/agents/{id}/force/"' in html
    assert "director/live/feed.js" in html and "director/live/queues.js" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_navigation_has_monitoring_then_live_queues_current(staff_client):
    html = staff_client.get(URL).content.decode()
    assert nav_labels(html)[-2:] == ["Monitoring", "Live Queues"]
    assert f'<a href="{URL}" aria-current="page">Live Queues</a>' in html
    assert "<details open>\n    <summary>Monitoring</summary>" in html
