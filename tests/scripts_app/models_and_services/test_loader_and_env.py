"""The runtime side: published versions by name for calls (pinned per call) and the validator's environment."""

import pytest

from calls.models import CallProfileField
from scripts_app.engine.graph import Graph
from scripts_app.runtime.env import build_validation_env
from scripts_app.runtime.loader import PublishedScriptLoader, load_current, load_version
from scripts_app.services.scripts import script_publish, script_rollback, script_save_draft
from tests.factories import DatabaseConnectionFactory, ServiceFactory
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db


@pytest.fixture
def script():
    return script_save_draft(data={"name": "Welcome", "graph": graphs.greeting()})


def test_an_unpublished_script_cannot_be_loaded(script):
    """Calls run published versions only: None for a draft-only script or an unknown name."""
    assert load_current(name="Welcome") is None
    assert load_current(name="Nobody") is None
    assert PublishedScriptLoader().load("Welcome") is None


def test_the_loader_gives_the_current_versions_graph_and_number(script):
    """load_current: the Graph of the version in force, with its number and id, by name or by script id."""
    version = script_publish(script=script)
    loaded = load_current(name="Welcome")
    assert isinstance(loaded.graph, Graph)
    assert (loaded.number, loaded.version_id, loaded.name) == (1, version.pk, "Welcome")
    assert loaded.graph.to_json() == graphs.greeting()
    assert load_current(script_id=script.pk) == loaded


def test_a_call_keeps_its_version_after_a_republish(script):
    """A call's loader pins the version it first loaded; a newer version reaches only new calls."""
    v1 = script_publish(script=script)
    call = PublishedScriptLoader()
    assert call.load("Welcome").to_json() == graphs.greeting()
    assert call.pinned == {"Welcome": v1.pk}

    script = script_save_draft(script=script, data={"graph": graphs.two_steps()})
    v2 = script_publish(script=script)

    assert call.load("Welcome").to_json() == graphs.greeting()  # the running call
    assert call.resolve("Welcome").number == 1
    assert PublishedScriptLoader().load("Welcome").to_json() == graphs.two_steps()  # a new call
    assert load_version(v1.pk).number == 1 and load_version(v2.pk).number == 2
    # A call resumed from its stored version ids keeps them too.
    assert PublishedScriptLoader(pinned={"Welcome": v1.pk}).resolve("Welcome").version_id == v1.pk


def test_rollback_reaches_new_calls_only(script):
    """After a rollback the loader serves the rollback copy to new calls."""
    script_publish(script=script)
    script = script_save_draft(script=script, data={"graph": graphs.two_steps()})
    script_publish(script=script)
    running = PublishedScriptLoader()
    running.load("Welcome")
    script_rollback(script=script, version=1)
    assert load_current(name="Welcome").number == 3
    assert PublishedScriptLoader().load("Welcome").to_json() == graphs.greeting()
    assert running.resolve("Welcome").number == 2


def test_a_deleted_scripts_versions_are_gone(script):
    """A call holding a version id of a deleted script gets None (it takes its failure path)."""
    from core.services import service_for
    from scripts_app.models import Script

    version = script_publish(script=script)
    service_for(Script).delete(instance=script)
    assert load_version(version.pk) is None


def test_validation_env_reads_the_configuration(script):
    """Field types, connections by name with their type, service names, published scripts and the SQL check."""
    DatabaseConnectionFactory(name="CRM", database_type="sqlite")
    ServiceFactory(name="Stocks")
    CallProfileField.objects.create(name="Customer ID", data_type="text")
    script_publish(script=script)

    env = build_validation_env()

    assert env.field_types["Customer ID"] == "text" and env.field_types["Priority"] == "number"
    assert env.connections == {"CRM": "sqlite"}
    assert "Stocks" in env.services
    assert set(env.scripts) == {"Welcome"} and isinstance(env.scripts["Welcome"], Graph)
    assert env.check_sql("SELECT 1", "sqlite", True) == []
    assert env.check_sql("DELETE FROM customers", "sqlite", True)  # SELECT-only refuses a DELETE
