"""/api/scripts/: drafts (with errors), malformed graphs (400 with the path), publish, versions, rollback,
export, import, validate and simulate."""

import pytest

from scripts_app.api import script_views
from scripts_app.models import Script
from scripts_app.services.scripts import script_publish, script_save_draft
from tests.factories import ScriptFactory
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db
LIST = "/api/scripts/"


def url(script: Script, action: str = "") -> str:
    return f"{LIST}{script.pk}/{action + '/' if action else ''}"


@pytest.fixture
def script():
    return script_save_draft(data={"name": "Welcome", "graph": graphs.greeting()})


def test_create_returns_the_draft_with_errors_and_no_version(api):
    """POST saves the draft: graph, parameters, draft_errors (computed) and current_version (null)."""
    body = {"name": "Welcome", "graph": graphs.greeting(), "parameters": {"Greeting": "hi"}}
    response = api.post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["graph"] == graphs.greeting() and data["parameters"] == {"Greeting": "hi"}
    assert data["draft_errors"] == [] and data["current_version"] is None


def test_create_without_a_graph_gets_the_starter_graph(api):
    """name alone is enough (the starter graph is the draft)."""
    response = api.post(LIST, {"name": "Plain", "description": "d"}, format="json")
    assert response.status_code == 201 and response.json()["graph"]["nodes"][0]["action"] == "hang_up"


def test_a_malformed_graph_is_400_with_the_path(api, script):
    """On create and on update: errors {"graph": ["nodes[0].exits.next: must be a node id or null"]}, nothing saved."""
    response = api.post(LIST, {"name": "Bad", "graph": graphs.malformed()}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": f"graph: {graphs.MALFORMED_MESSAGE}",
        "errors": {"graph": [graphs.MALFORMED_MESSAGE]},
    }
    response = api.patch(url(script), {"graph": graphs.malformed()}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"graph": [graphs.MALFORMED_MESSAGE]}
    script.refresh_from_db()
    assert script.graph == graphs.greeting() and Script.objects.count() == 1


def test_a_body_that_is_not_json_is_400(api):
    """A request body that does not parse is refused by the parser."""
    response = api.generic("POST", LIST, '{"name": "x", "graph": {', content_type="application/json")
    assert response.status_code == 400


def test_an_unknown_action_saves_but_cannot_be_published(api):
    """201 with draft_errors listing scripts.E003; publish is 400 with that id, the problem as the same object
    `draft_errors` and validate/ give."""
    response = api.post(LIST, {"name": "Odd", "graph": graphs.unknown_action()}, format="json")
    assert response.status_code == 201
    errors = response.json()["draft_errors"]
    assert [(e["id"], e["node"]) for e in errors] == [("scripts.E003", "oops")]
    refused = api.post(f"{LIST}{response.json()['id']}/publish/", {}, format="json")
    assert refused.status_code == 400
    by_field = refused.json()["errors"]
    assert list(by_field) == ["graph"] and by_field["graph"][0].startswith("scripts.E003")
    assert refused.json()["problems"] == errors


def test_read_only_fields_are_ignored(api, script):
    """draft_errors and current_version cannot be written through the API."""
    response = api.patch(url(script), {"draft_errors": [{"id": "x"}], "current_version": 5}, format="json")
    assert response.status_code == 200
    assert response.json()["draft_errors"] == [] and response.json()["current_version"] is None


def test_update_and_delete(api, script):
    """PUT/PATCH change the draft; DELETE removes the script with its versions."""
    response = api.patch(url(script), {"graph": graphs.two_steps()}, format="json")
    assert response.status_code == 200 and response.json()["graph"] == graphs.two_steps()
    script_publish(script=script)
    assert api.delete(url(script)).status_code == 204
    assert not Script.objects.exists()


def test_validate_the_draft_or_a_posted_graph(api, script):
    """POST validate/: the draft's errors, or a posted graph's (without saving it)."""
    assert api.post(url(script, "validate"), {}, format="json").json() == {"valid": True, "errors": []}
    response = api.post(url(script, "validate"), {"graph": graphs.unknown_action()}, format="json")
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert [e["id"] for e in response.json()["errors"]] == ["scripts.E003"]
    script.refresh_from_db()
    assert script.graph == graphs.greeting()


def test_validate_a_malformed_graph_is_400_with_the_path(api, script):
    """A posted malformed graph is a 400 naming the bad element, as on save."""
    response = api.post(url(script, "validate"), {"graph": graphs.malformed()}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"graph": [graphs.MALFORMED_MESSAGE]}


def test_publish_creates_numbered_versions(api, script, admin_user):
    """POST publish/ -> 201 with the version (number, who, comment, current); the script shows it."""
    response = api.post(url(script, "publish"), {"comment": "first"}, format="json")
    assert response.status_code == 201, response.content
    version = response.json()
    assert (version["number"], version["comment"], version["published_by"], version["is_current"]) == (
        1,
        "first",
        "admin",
        True,
    )
    assert api.post(url(script, "publish"), {}, format="json").json()["number"] == 2
    current = api.get(url(script)).json()["current_version"]
    assert current["number"] == 2 and set(current) == {"id", "number", "published_at"}


def test_versions_lists_the_history_newest_first(api, script):
    """GET versions/: every version with its graph, the current one marked."""
    script_publish(script=script, comment="one")
    script_save_draft(script=script, data={"graph": graphs.two_steps()})
    script_publish(script=script, comment="two")
    response = api.get(url(script, "versions"))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["number"], r["comment"], r["is_current"]) for r in rows] == [(2, "two", True), (1, "one", False)]
    assert rows[1]["graph"] == graphs.greeting()


def test_rollback(api, script):
    """POST rollback/ {version} -> 201, a new version copying the old one, "rollback of vN"."""
    script_publish(script=script)
    script_save_draft(script=script, data={"graph": graphs.two_steps()})
    script_publish(script=script)
    response = api.post(url(script, "rollback"), {"version": 1}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["comment"]) == (3, "rollback of v1")
    assert response.json()["graph"] == graphs.greeting()
    refused = api.post(url(script, "rollback"), {"version": 9}, format="json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["version"]
    assert api.post(url(script, "rollback"), {}, format="json").status_code == 400


def test_export_the_draft_or_a_version(api, script):
    """GET export/ gives {name, description, parameters, graph}; ?version=N that version's graph."""
    script_publish(script=script)
    script_save_draft(script=script, data={"graph": graphs.two_steps()})
    draft = api.get(url(script, "export")).json()
    assert draft == {"name": "Welcome", "description": "", "parameters": {}, "graph": graphs.two_steps()}
    assert api.get(url(script, "export"), {"version": 1}).json()["graph"] == graphs.greeting()
    missing = api.get(url(script, "export"), {"version": 4})
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["version"]


def test_import_round_trip(api, script):
    """POST import/ with an export under a new name: 201, the same content, as a draft."""
    exported = api.get(url(script, "export")).json()
    response = api.post(f"{LIST}import/", {**exported, "name": "Copy"}, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["name"] == "Copy" and copy["graph"] == exported["graph"] and copy["current_version"] is None
    taken = api.post(f"{LIST}import/", exported, format="json")
    assert taken.status_code == 400 and "name" in taken.json()["errors"]
    replaced = api.post(f"{LIST}import/", {**exported, "description": "new", "replace": True}, format="json")
    assert replaced.status_code == 201 and replaced.json()["id"] == script.pk


def test_import_malformed_graph_is_400_with_the_path(api):
    """Import refuses malformed graphs like a save does."""
    response = api.post(f"{LIST}import/", {"name": "Bad", "graph": graphs.malformed()}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"graph": [graphs.MALFORMED_MESSAGE]}


@pytest.fixture
def fake_simulator(monkeypatch):
    """Stands in for scripts_app.runtime.simulate (the console-caller simulator), recording its calls."""
    calls = []

    def simulate_script(script, *, digits="", ani="", dnis="", fields=None):
        calls.append((script, digits, ani, dnis, fields))
        return {"outcome": "queued", "heard": ["welcome"], "trace": [{"node": "hello"}], "profile": {"ANI": ani}}

    monkeypatch.setattr(script_views, "simulate_script", simulate_script)
    return calls


def test_simulate_runs_the_published_script(api, script, fake_simulator):
    """POST simulate/ passes digits, ANI, DNIS and fields to the simulator and returns its result."""
    script_publish(script=script)
    body = {"digits": "1001#", "ani": "+15551234567", "dnis": "5000", "fields": {"Language": "1"}}
    response = api.post(url(script, "simulate"), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "queued" and response.json()["profile"] == {"ANI": "+15551234567"}
    [(called, digits, ani, dnis, fields)] = fake_simulator
    assert (called.pk, digits, ani, dnis, fields) == (script.pk, "1001#", "+15551234567", "5000", {"Language": "1"})


def test_simulate_refuses_unpublished_scripts_and_bad_digits(api, script, fake_simulator):
    """An unpublished script, or digits other than 0-9 * #, are 400 without running anything."""
    assert api.post(url(script, "simulate"), {}, format="json").status_code == 400
    script_publish(script=script)
    response = api.post(url(script, "simulate"), {"digits": "12a"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["digits"]
    assert fake_simulator == []


def test_script_actions_need_staff(client, django_user_model):
    """Like every endpoint: anonymous 401/403, non-staff 403."""
    script = ScriptFactory()
    assert client.post(url(script, "publish")).status_code in (401, 403)
    user = django_user_model.objects.create_user("agent", password="pw-123456789")
    client.force_login(user)
    assert client.get(url(script, "versions")).status_code == 403


def test_irn_and_service_carry_script_parameters(api, script):
    """IRNs (destination script) and services (IVR application) expose script and script_parameters."""
    irn = api.post(
        "/api/irns/",
        {
            "number": "5000",
            "destination_kind": "script",
            "destination_script": script.pk,
            "script_parameters": {"A": 1},
        },
        format="json",
    )
    assert irn.status_code == 201, irn.content
    assert irn.json()["script_parameters"] == {"A": 1}
    service = api.post(
        "/api/services/", {"name": "Sales", "script": script.pk, "script_parameters": {"B": "x"}}, format="json"
    )
    assert service.status_code == 201, service.content
    assert (service.json()["script"], service.json()["script_parameters"]) == (script.pk, {"B": "x"})
    bad = api.patch(f"/api/services/{service.json()['id']}/", {"script_parameters": [1]}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["script_parameters"]


def test_schema_documents_the_script_endpoints_without_warnings(tmp_path):
    """manage.py spectacular --validate --fail-on-warn passes and lists every script action."""
    from django.core.management import call_command
    from drf_spectacular.drainage import reset_generator_stats

    reset_generator_stats()
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for action in ("validate", "publish", "versions", "rollback", "export", "simulate"):
        assert f"/api/scripts/{{id}}/{action}/:" in text
    assert "/api/scripts/import/:" in text


def test_simulate_with_the_real_simulator(api, script):
    """End to end through scripts_app.runtime.simulate: the published greeting plays and the script ends."""
    script_publish(script=script)
    response = api.post(url(script, "simulate"), {"ani": "+15551234567"}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["script"], data["version"]) == ("Welcome", 1)
    assert data["trace"][0]["node"] == "hello" and data["profile"]["ANI"] == "+15551234567"
    assert any("welcome" in line for line in data["heard"])
