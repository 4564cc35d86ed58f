"""Routing > Scripts: list, draft editor (Save draft / Publish / Export), errors beside the graph, SVG,
history with rollback, import."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scripts_app.models import Script
from scripts_app.services.scripts import script_publish, script_save_draft
from tests.director.factories import IRNFactory, ServiceFactory
from tests.director.html import field_error, nav_labels, text_of_id
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db

LIST_URL = reverse("director:scripts_list")
CREATE_URL = reverse("director:scripts_create")


def edit_url(script: Script) -> str:
    return reverse("director:scripts_update", args=[script.pk])


def _form(graph_data, **overrides):
    data = {"name": "Welcome", "description": "", "parameters": "{}", "graph": json.dumps(graph_data)}
    return data | overrides


def _svg_nodes(html: str) -> list[str]:
    return re.findall(r'<g class="node[^"]*" data-node="([^"]+)"', html)


@pytest.fixture
def script():
    return script_save_draft(data={"name": "Welcome", "graph": graphs.two_steps()})


def test_scripts_is_under_routing_in_the_navigation(staff_client):
    """Routing > Scripts is a leaf of the tree, active on the script pages."""
    html = staff_client.get(LIST_URL).content.decode()
    labels = nav_labels(html)
    assert labels.index("Scripts") > labels.index("Routing")


def test_list_shows_version_draft_status_and_irns(staff_client, script):
    """Columns: name, current version (or not published), draft "valid" / "N errors", IRNs using it."""
    script_publish(script=script)
    IRNFactory(number="8001", destination_kind="script", destination_service=None, destination_script=script)
    script_save_draft(data={"name": "Odd", "graph": graphs.unknown_action()})
    html = staff_client.get(LIST_URL).content.decode()
    welcome = re.search(r"<tr>\s*<td class=\"strong\">Welcome</td>.*?</tr>", html, re.S).group(0)
    odd = re.search(r"<tr>\s*<td class=\"strong\">Odd</td>.*?</tr>", html, re.S).group(0)
    assert "v1" in welcome and ">valid<" in welcome and "8001" in welcome
    assert "not published" in odd and "1 error<" in odd
    assert reverse("director:scripts_history", args=[script.pk]) in welcome
    assert reverse("director:scripts_import") in html


def test_new_page_shows_the_starter_graph_and_its_drawing(staff_client):
    """The new-script form is pre-filled with the starter graph, drawn as SVG."""
    response = staff_client.get(CREATE_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "hang_up" in html and _svg_nodes(html) == ["end"]
    for button in ("Save draft", "Publish"):
        assert button in html


def test_save_draft_creates_the_script(staff_client):
    """Save draft: created (not published), then the edit page."""
    response = staff_client.post(CREATE_URL, _form(graphs.greeting(), parameters='{"Greeting": "hi"}', save="1"))
    script = Script.objects.get(name="Welcome")
    assert response["Location"] == edit_url(script)
    assert (script.graph, script.parameters, script.current_version) == (graphs.greeting(), {"Greeting": "hi"}, None)


def test_a_draft_with_errors_is_saved_and_its_errors_listed_beside(staff_client):
    """An unknown action saves; the edit page lists each error (id, node, message) and highlights the node."""
    response = staff_client.post(CREATE_URL, _form(graphs.unknown_action(), save="1"), follow=True)
    html = response.content.decode()
    panel = text_of_id(html, "draft-errors")
    assert "scripts.E003" in panel and "oops" in panel and "fly_to_moon" in panel
    assert "created with 1 error: fix them before publishing" in html
    assert re.search(r'<g class="node has-error" data-node="oops">', html)
    assert not re.search(r'<g class="node[^"]*has-error[^"]*" data-node="hello">', html)


def test_a_malformed_graph_is_refused_beside_the_field_with_its_path(staff_client, script):
    """The path of the bad element shows beside the graph; the stored draft is kept."""
    response = staff_client.post(edit_url(script), _form(graphs.malformed(), save="1"))
    assert response.status_code == 200
    assert graphs.MALFORMED_MESSAGE in field_error(response, "graph")
    script.refresh_from_db()
    assert script.graph == graphs.two_steps()


def test_json_that_does_not_parse_is_refused_beside_the_field(staff_client, script):
    """Text that is not JSON at all: an error beside the field, nothing saved."""
    response = staff_client.post(edit_url(script), _form(graphs.greeting(), graph='{"start": ', save="1"))
    assert response.status_code == 200 and field_error(response, "graph")


def test_publish_saves_then_publishes(staff_client, script):
    """Publish on the edit page saves the posted draft and makes it v1, with the comment."""
    body = _form(graphs.greeting(), publish="1", publish_comment="first cut")
    response = staff_client.post(edit_url(script), body, follow=True)
    script.refresh_from_db()
    assert script.current_version.number == 1 and script.current_version.comment == "first cut"
    assert script.current_version.graph == graphs.greeting()
    assert "published as v1" in response.content.decode()
    assert "In force: <strong>v1</strong>" in response.content.decode()


def test_publish_is_refused_while_the_draft_has_errors(staff_client, script):
    """The draft is saved, nothing is published, the errors are listed."""
    response = staff_client.post(edit_url(script), _form(graphs.unknown_action(), publish="1"), follow=True)
    html = response.content.decode()
    script.refresh_from_db()
    assert script.current_version is None and script.graph == graphs.unknown_action()
    assert "not published" in html and "scripts.E003" in text_of_id(html, "draft-errors")


def test_edit_page_flags_unpublished_changes(staff_client, script):
    """After a publish, a changed draft is flagged as not in force."""
    script_publish(script=script)
    assert "The draft is the version in force" in staff_client.get(edit_url(script)).content.decode()
    script_save_draft(script=script, data={"graph": graphs.greeting()})
    assert "unpublished changes" in staff_client.get(edit_url(script)).content.decode()


def test_the_drawing_has_a_box_per_node_and_a_labelled_arrow_per_exit(staff_client):
    """SVG: one node group per graph node (action title and id), one edge per exit, labelled."""
    graph = {
        "start": "menu",
        "nodes": [
            {
                "id": "menu",
                "action": "menu",
                "params": {"prompt": ["main_menu"], "choices": ["1", "2"]},
                "exits": {"1": "sales", "2": "bye", "timeout": "bye", "invalid": "menu"},
            },
            {"id": "sales", "action": "play_prompt", "params": {"prompts": ["sales"]}, "exits": {"next": "bye"}},
            {"id": "bye", "action": "hang_up", "params": {}, "exits": {}},
        ],
    }
    script = script_save_draft(data={"name": "Menu", "graph": graph})
    html = staff_client.get(edit_url(script)).content.decode()
    svg = text_of_id(html, "script-graph")
    assert sorted(_svg_nodes(html)) == ["bye", "menu", "sales"]
    assert "Play Prompt" in svg and "Hang Up" in svg
    edges = re.findall(r'<g class="edge[^"]*" data-exit="([^"]+)" data-target="([^"]*)"', html)
    assert sorted(edges) == sorted(
        [("1", "sales"), ("2", "bye"), ("timeout", "bye"), ("invalid", "menu"), ("next", "bye")]
    )


def test_export_downloads_the_draft_or_a_version(staff_client, script):
    """Export: a JSON attachment with name, description, parameters and graph."""
    script_publish(script=script)
    script_save_draft(script=script, data={"graph": graphs.greeting()})
    export_url = reverse("director:scripts_export", args=[script.pk])
    response = staff_client.get(export_url)
    assert response["Content-Disposition"] == 'attachment; filename="Welcome-draft.json"'
    assert json.loads(response.content) == script.export_data() | {"graph": graphs.greeting()}
    old = staff_client.get(export_url, {"version": "1"})
    assert json.loads(old.content)["graph"] == graphs.two_steps()
    assert staff_client.get(export_url, {"version": "9"}).status_code == 404


def test_history_lists_versions_and_rolls_back(staff_client, script, admin_user):
    """History: number, who, comment, current; Rollback publishes a copy as the next version."""
    script_publish(script=script, user=admin_user, comment="one")
    script_save_draft(script=script, data={"graph": graphs.greeting()})
    script_publish(script=script, user=admin_user, comment="two")
    history = reverse("director:scripts_history", args=[script.pk])
    table = text_of_id(staff_client.get(history).content.decode(), "versions")
    assert "v2" in table and "two" in table and "admin" in table and "current" in table
    assert "Rollback to v1" in table and "Rollback to v2" not in table

    response = staff_client.post(reverse("director:scripts_rollback", args=[script.pk]), {"version": "1"}, follow=True)
    script.refresh_from_db()
    assert script.current_version.number == 3 and script.current_version.graph == graphs.two_steps()
    assert "rollback of v1" in text_of_id(response.content.decode(), "versions")


def test_rollback_errors_are_shown(staff_client, script):
    """Rolling back to the current version is refused with a message; GET is not allowed."""
    script_publish(script=script)
    rollback = reverse("director:scripts_rollback", args=[script.pk])
    response = staff_client.post(rollback, {"version": "1"}, follow=True)
    assert "already the current version" in response.content.decode()
    assert staff_client.get(rollback).status_code == 405


def test_import_a_file(staff_client, script):
    """Import: an exported file becomes a draft (here renamed); a taken name is refused on the file."""
    data = script.export_data() | {"name": "Copy"}
    upload = SimpleUploadedFile("copy.json", json.dumps(data).encode(), content_type="application/json")
    response = staff_client.post(reverse("director:scripts_import"), {"file": upload})
    copy = Script.objects.get(name="Copy")
    assert response["Location"] == edit_url(copy) and copy.graph == graphs.two_steps()

    again = SimpleUploadedFile("copy.json", json.dumps(data).encode(), content_type="application/json")
    response = staff_client.post(reverse("director:scripts_import"), {"file": again})
    assert response.status_code == 200 and "name:" in field_error(response, "file")
    junk = SimpleUploadedFile("junk.json", b"not json", content_type="application/json")
    response = staff_client.post(reverse("director:scripts_import"), {"file": junk})
    assert "not JSON" in field_error(response, "file")


def test_delete_in_use_is_explained(staff_client, script):
    """A script used by a service (IVR application) cannot be deleted; the page says by whom."""
    ServiceFactory(name="Sales", script=script)
    response = staff_client.post(reverse("director:scripts_delete", args=[script.pk]))
    assert "Sales" in response.content.decode() and Script.objects.filter(pk=script.pk).exists()


def test_irn_and_service_forms_have_the_script_fields(staff_client, script):
    """IRN: script parameters (shown for a script destination); service: IVR application and its parameters."""
    irn_html = staff_client.get(reverse("director:irns_create")).content.decode()
    assert 'name="script_parameters"' in irn_html
    assert 'data-show-when="destination_kind=script"' in irn_html
    service_html = staff_client.get(reverse("director:services_create")).content.decode()
    assert 'name="script"' in service_html and "IVR application" in service_html


def test_pages_need_staff(client, script):
    """Anonymous users are sent to the login page."""
    for name in ("scripts_list", "scripts_create"):
        assert client.get(reverse(f"director:{name}"))["Location"].startswith(reverse("director:login"))
    assert client.get(edit_url(script)).status_code == 302
