"""Where scripts are used: IRN destinations and a service's IVR application, with parameters; deleting."""

import pytest
from django.core.exceptions import ValidationError

from acd.models import Service
from core.services import service_for
from routing.models import IRN
from scripts_app.models import Script, ScriptVersion
from scripts_app.services.scripts import script_publish, script_save_draft
from tests.factories import IRNFactory, ServiceFactory
from tests.scripts_app.models_and_services import graphs

pytestmark = pytest.mark.django_db


@pytest.fixture
def script():
    return script_save_draft(data={"name": "Welcome", "graph": graphs.greeting()})


def test_a_service_runs_a_script_as_its_ivr_application(script):
    """Service.script and its parameters are saved through the service layer."""
    service = service_for(Service).create(
        data={"name": "Sales", "script": script, "script_parameters": {"Greeting": "sales_hello"}}
    )
    service.refresh_from_db()
    assert service.script == script and service.script_parameters == {"Greeting": "sales_hello"}
    assert list(script.services.all()) == [service]


def test_an_irn_passes_parameters_to_its_script(script):
    """An IRN whose destination is a script carries parameter overrides."""
    irn = service_for(IRN).create(
        data={
            "number": "5000",
            "destination_kind": "script",
            "destination_script": script,
            "script_parameters": {"Retries": 3},
        }
    )
    irn.refresh_from_db()
    assert irn.script_parameters == {"Retries": 3}


@pytest.mark.parametrize("model", [IRN, Service])
def test_script_parameters_must_be_an_object(model):
    """Parameters that are not an object of simple values are refused on script_parameters."""
    instance = IRNFactory() if model is IRN else ServiceFactory()
    with pytest.raises(ValidationError) as info:
        service_for(model).update(instance=instance, data={"script_parameters": ["x"]})
    assert list(info.value.message_dict) == ["script_parameters"]


@pytest.mark.parametrize("model", [IRN, Service])
def test_emptied_script_parameters_become_an_empty_object(model):
    """A cleared form field (None) is stored as {} rather than failing."""
    instance = IRNFactory() if model is IRN else ServiceFactory()
    service_for(model).update(instance=instance, data={"script_parameters": None})
    instance.refresh_from_db()
    assert instance.script_parameters == {}


def test_a_script_in_use_cannot_be_deleted(script):
    """An IRN or a service using the script protects it; the error names the user."""
    ServiceFactory(name="Sales", script=script)
    with pytest.raises(ValidationError) as info:
        service_for(Script).delete(instance=script)
    assert "Sales" in info.value.messages[0]


def test_deleting_a_published_script_deletes_its_versions(script):
    """Versions belong to their script (the current_version link does not block the delete)."""
    script_publish(script=script)
    script_publish(script=script)
    service_for(Script).delete(instance=script)
    assert not Script.objects.exists() and not ScriptVersion.objects.exists()


def test_version_str_and_label(script):
    """A version reads as "<script> vN"."""
    version = script_publish(script=script)
    assert (str(version), version.label) == ("Welcome v1", "v1")
