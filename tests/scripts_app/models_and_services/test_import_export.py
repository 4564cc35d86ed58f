"""Import and export as JSON ({name, description, parameters, graph}): a round trip loses nothing."""

import pytest
from django.core.exceptions import ValidationError

from scripts_app.models import Script
from scripts_app.services.scripts import EXPORT_KEYS, script_import, script_publish, script_save_draft
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db


@pytest.fixture
def script():
    return script_save_draft(
        data={
            "name": "Balance",
            "description": "says the balance",
            "parameters": {"Greeting": "hello", "Retries": 2},
            "graph": graphs.two_steps(),
        }
    )


def test_export_has_exactly_the_import_keys(script):
    """The export JSON is {name, description, parameters, graph} of the draft."""
    data = script.export_data()
    assert tuple(data) == EXPORT_KEYS
    assert data == {
        "name": "Balance",
        "description": "says the balance",
        "parameters": {"Greeting": "hello", "Retries": 2},
        "graph": graphs.two_steps(),
    }


def test_round_trip_under_another_name(script):
    """Exported, renamed and imported: the same description, parameters and graph, as an unpublished draft."""
    data = {**script.export_data(), "name": "Balance copy"}
    copy = script_import(data=data)
    assert copy.pk != script.pk
    assert copy.export_data() == data
    assert copy.current_version is None and copy.draft_errors == []


def test_export_of_a_version_carries_that_versions_graph(script):
    """A version exports its frozen graph, with the script's name, description and parameters."""
    version = script_publish(script=script)
    script_save_draft(script=script, data={"graph": graphs.greeting()})
    version.refresh_from_db()
    assert version.export_data()["graph"] == graphs.two_steps()


def test_importing_a_taken_name_is_refused_unless_replacing(script):
    """Without replace the name is taken; with replace the namesake's draft is overwritten (not published)."""
    data = {**script.export_data(), "graph": graphs.greeting(), "description": "new"}
    with pytest.raises(ValidationError) as info:
        script_import(data=data)
    assert "name" in info.value.message_dict
    replaced = script_import(data=data, replace=True)
    assert replaced.pk == script.pk and Script.objects.count() == 1
    replaced.refresh_from_db()
    assert (replaced.graph, replaced.description) == (graphs.greeting(), "new")


def test_importing_with_errors_keeps_them_listed():
    """An imported graph with an unknown action arrives as a draft with its errors."""
    script = script_import(data={"name": "Odd", "graph": graphs.unknown_action()})
    assert [e["id"] for e in script.draft_errors] == ["scripts.E003"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"name": "X", "graph": graphs.greeting(), "version": 3}, "version"),
        ({"name": "X", "graph": graphs.malformed()}, "graph"),
        ({"graph": graphs.greeting()}, "name"),
    ],
)
def test_bad_imports_are_refused(data, key):
    """Unknown keys, malformed graphs and a missing name: an error on that key, nothing created."""
    with pytest.raises(ValidationError) as info:
        script_import(data=data)
    assert key in info.value.message_dict
    assert not Script.objects.exists()


def test_an_import_that_is_not_an_object_is_refused():
    """A JSON list is not an exported script."""
    with pytest.raises(ValidationError):
        script_import(data=["not", "a", "script"])  # type: ignore[arg-type]
