"""Drafts: saved through the service layer even with validator errors, never when the JSON is malformed."""

import pytest
from django.core.exceptions import ValidationError

from core.services import service_for
from scripts_app.models import Script
from scripts_app.models.script import starter_graph
from scripts_app.services.scripts import script_save_draft
from tests.factories import DatabaseConnectionFactory
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db


def _errors(fn) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        fn()
    return info.value.message_dict


def test_a_valid_draft_saves_with_no_errors():
    """A well-formed graph whose actions and exits check out: saved, draft_errors empty."""
    script = script_save_draft(data={"name": "Welcome", "graph": graphs.two_steps()})
    script.refresh_from_db()
    assert script.graph == graphs.two_steps()
    assert script.draft_errors == []
    assert script.current_version is None


def test_a_new_script_starts_from_the_starter_graph():
    """Without a graph, a script gets the one-node starter graph, which validates."""
    script = script_save_draft(data={"name": "Empty"})
    assert script.graph == starter_graph()
    assert script.draft_errors == []


def test_a_draft_with_an_unknown_action_saves_with_its_errors_listed():
    """An unknown action is a validator error (scripts.E003 on the node), not a refusal to save."""
    script = script_save_draft(data={"name": "Broken", "graph": graphs.unknown_action()})
    script.refresh_from_db()
    assert [(e["id"], e["node"]) for e in script.draft_errors] == [("scripts.E003", "oops")]
    assert set(script.draft_errors[0]) == {"id", "message", "node", "param", "line", "column", "hint", "level"}
    assert "fly_to_moon" in script.draft_errors[0]["message"]


def test_a_malformed_graph_is_refused_with_the_path_to_the_bad_element():
    """GraphFormatError's path and message become the error on "graph"; nothing is saved."""
    errors = _errors(lambda: script_save_draft(data={"name": "Bad", "graph": graphs.malformed()}))
    assert errors == {"graph": [graphs.MALFORMED_MESSAGE]}
    assert not Script.objects.exists()


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        ([], "a script graph is a JSON object with 'start' and 'nodes'"),
        ({"start": "a", "nodes": []}, "nodes: must be a non-empty list of nodes"),
        ({"start": "a", "nodes": [{"id": "a b", "action": "wait"}]}, "nodes[0].id: must be letters"),
    ],
)
def test_other_malformed_graphs_name_their_path(graph, message):
    """Each shape error is reported on "graph", starting with its path."""
    errors = _errors(lambda: script_save_draft(data={"name": "Bad", "graph": graph}))
    assert errors["graph"][0].startswith(message)


def test_a_malformed_edit_keeps_the_stored_draft():
    """Updating an existing draft with malformed JSON changes nothing in the database."""
    script = script_save_draft(data={"name": "Keep", "graph": graphs.greeting()})
    _errors(lambda: script_save_draft(script=script, data={"graph": graphs.malformed()}))
    script.refresh_from_db()
    assert script.graph == graphs.greeting()


def test_draft_errors_are_recomputed_on_every_save():
    """Errors follow the configuration: a draft using a deleted Database Connection gets scripts.E012 on resave."""
    connection = DatabaseConnectionFactory(name="CRM")
    script = script_save_draft(data={"name": "Lookup", "graph": graphs.uses_connection("CRM")})
    assert script.draft_errors == []
    connection.delete()
    script = script_save_draft(script=script, data={"description": "resaved"})
    assert [(e["id"], e["node"], e["param"]) for e in script.draft_errors] == [
        ("scripts.E012", "connect", "connection")
    ]


@pytest.mark.parametrize(
    ("parameters", "fragment"),
    [
        (["a"], "JSON object"),
        ({"Greeting": ["a", "b"]}, "text, a number or true/false"),
        ({"": "x"}, "non-empty name"),
    ],
)
def test_parameters_must_be_an_object_of_simple_values(parameters, fragment):
    """IVR application parameters: a JSON object of name -> text, number or true/false."""
    errors = _errors(lambda: script_save_draft(data={"name": "P", "parameters": parameters}))
    assert fragment in errors["parameters"][0]


def test_parameters_are_stored():
    """Defaults of the script's parameters are kept as given."""
    params = {"Greeting": "welcome", "Retries": 3, "Closed": False}
    script = script_save_draft(data={"name": "P", "parameters": params})
    script.refresh_from_db()
    assert script.parameters == params


def test_the_generic_service_is_the_same_path():
    """service_for(Script) (used by the Director, admin and API) computes draft errors too."""
    script = service_for(Script).create(data={"name": "Generic", "graph": graphs.unknown_action()})
    assert [e["id"] for e in script.draft_errors] == ["scripts.E003"]


def test_unknown_keys_are_refused():
    """Keys that are not draft fields (e.g. draft_errors, current_version) cannot be written."""
    errors = _errors(lambda: script_save_draft(data={"name": "X", "draft_errors": []}))
    assert list(errors) == ["draft_errors"]
