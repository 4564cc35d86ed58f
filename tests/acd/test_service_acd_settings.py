"""A service's ACD settings: strategy, ring timeout, no-answer state, queue length, skills field, callbacks."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from acd.engine import STRATEGIES
from acd.models import Service, Strategy
from calls.models import CallProfileField
from core.services import service_for

pytestmark = pytest.mark.django_db


def test_strategy_choices_are_the_engines():
    assert sorted(Strategy.values) == sorted(STRATEGIES)


def test_defaults():
    service = service_for(Service).create(data={"name": "Sales"})
    assert (service.strategy, service.ring_timeout, service.no_answer_state) == ("longest_idle", 15, "released")
    assert (service.max_queue_length, service.no_agent_timeout, service.skills_field) == (0, 30, None)
    assert (service.callback_abandoned, service.callback_attempts) == (False, 3)


def test_all_settings_save():
    field = service_for(CallProfileField).create(data={"name": "Skills"})
    data = {"name": "Sales", "strategy": "best_skill", "ring_timeout": 20, "no_answer_state": "available",
            "max_queue_length": 25, "no_agent_timeout": 45, "skills_field": field, "callback_abandoned": True,
            "callback_attempts": 5}  # fmt: skip
    service = service_for(Service).create(data=data)
    service.refresh_from_db()
    assert {name: getattr(service, name) for name in data} == data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"strategy": "cheapest"}, "strategy"),
        ({"ring_timeout": 4}, "ring_timeout"),
        ({"ring_timeout": 301}, "ring_timeout"),
        ({"no_answer_state": "logged_out"}, "no_answer_state"),
        ({"max_queue_length": -1}, "max_queue_length"),
        ({"no_agent_timeout": -1}, "no_agent_timeout"),
        ({"callback_attempts": 0}, "callback_attempts"),
        ({"callback_attempts": 11}, "callback_attempts"),
    ],
)
def test_out_of_range_values_are_field_errors(data, field):
    with pytest.raises(ValidationError) as caught:
        service_for(Service).create(data={"name": "Sales"} | data)
    assert field in caught.value.message_dict
    assert not Service.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("ring_timeout", 5), ("ring_timeout", 300), ("callback_attempts", 10)])
def test_limits_are_inclusive(field, value):
    assert getattr(service_for(Service).create(data={"name": "Sales", field: value}), field) == value


def test_a_skills_field_in_use_cannot_be_deleted():
    field = service_for(CallProfileField).create(data={"name": "Skills"})
    service_for(Service).create(data={"name": "Sales", "skills_field": field})
    with pytest.raises(ValidationError, match="used by"):
        service_for(CallProfileField).delete(instance=field)
    with pytest.raises(ProtectedError):
        field.delete()
