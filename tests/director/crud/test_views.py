"""The generic CRUD pages: list with New, Create/Save forms, confirmation before delete, errors instead of 500s."""

import pytest
from django.urls import reverse

from acd.models import Group, Skill
from director.pages import PAGES
from tests.director.factories import GroupFactory, ServiceFactory, SkillFactory
from tests.director.html import field_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_every_list_has_a_new_button_leading_to_a_create_form(staff_client, page):
    """Each list page links "New" to a form whose submit button reads exactly "Create"."""
    response = staff_client.get(page.url("list"))
    assert f'<a class="btn btn-primary" href="{page.url("create")}">New</a>' in response.content.decode()
    form_page = staff_client.get(page.url("create")).content.decode()
    assert '<button type="submit" class="btn btn-primary">Create</button>' in form_page


def test_edit_form_submit_button_reads_save(staff_client):
    group = GroupFactory()
    html = staff_client.get(reverse("director:groups_update", args=[group.pk])).content.decode()
    assert '<button type="submit" class="btn btn-primary">Save</button>' in html
    assert ">Create</button>" not in html


def test_create_redirects_to_the_list_with_a_flash_message(staff_client):
    response = staff_client.post(reverse("director:skills_create"), {"name": "Spanish"}, follow=True)
    assert response.redirect_chain == [(reverse("director:skills_list"), 302)]
    assert "Skill &#x27;Spanish&#x27; created." in response.content.decode()
    assert Skill.objects.filter(name="Spanish").exists()


def test_invalid_form_saves_nothing_and_shows_the_error_beside_the_field(staff_client):
    """A duplicate name re-renders the form (200) with the error in the name row; no second row is saved."""
    SkillFactory(name="Spanish")
    response = staff_client.post(reverse("director:skills_create"), {"name": "Spanish"})
    assert response.status_code == 200
    assert "already exists" in field_error(response, "name")
    assert Skill.objects.filter(name="Spanish").count() == 1


def test_failed_edit_keeps_the_stored_name_in_the_title(staff_client):
    """The page is still titled after the stored row, not after the rejected input."""
    SkillFactory(name="Spanish")
    skill = SkillFactory(name="Bonds")
    response = staff_client.post(reverse("director:skills_update", args=[skill.pk]), {"name": "Spanish"})
    assert "already exists" in field_error(response, "name")
    assert "<h1>Skill &#x27;Bonds&#x27;</h1>" in response.content.decode()
    skill.refresh_from_db()
    assert skill.name == "Bonds"


def test_delete_asks_for_confirmation_first(staff_client):
    """GET shows a confirmation page and deletes nothing; POST deletes and returns to the list."""
    group = GroupFactory(name="Night shift")
    url = reverse("director:groups_delete", args=[group.pk])
    page = staff_client.get(url)
    assert "Delete the group <strong>Night shift</strong>?" in page.content.decode()
    assert Group.objects.filter(pk=group.pk).exists()
    response = staff_client.post(url)
    assert response["Location"] == reverse("director:groups_list")
    assert not Group.objects.filter(pk=group.pk).exists()


def test_deleting_something_in_use_shows_the_service_message_not_a_500(staff_client):
    """A group used by a service is protected: the confirmation page explains why, and the group stays."""
    group = GroupFactory(name="Sales")
    ServiceFactory(name="Stock trades", groups=[group])
    response = staff_client.post(reverse("director:groups_delete", args=[group.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Group &#x27;Sales&#x27; cannot be deleted: it is used by" in html
    assert "Stock trades" in html
    assert Group.objects.filter(pk=group.pk).exists()


def test_unknown_objects_are_404(staff_client):
    assert staff_client.get(reverse("director:groups_update", args=[999])).status_code == 404
    assert staff_client.post(reverse("director:groups_delete", args=[999])).status_code == 404
