"""The home page counts each configured thing and links to it."""

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
