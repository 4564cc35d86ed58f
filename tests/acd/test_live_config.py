"""Routing configuration into the live engine: what live_config() builds, the sync after each save, acd_sync."""

import json
import logging
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction

from acd import notifier
from acd.models import Agent, AgentSkill, Group, Service, ServiceGroup, Skill
from acd.services.live_config import live_config, sync_live_config
from acd.services.sip_credentials import sync_sip_credentials_quietly
from acd.tasks_config import sync_acd_config
from calls.models import CallProfileField
from core.services import service_for
from tests.acd.live.helpers import drop, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory, ServiceFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def routing():
    """Sales tries Tier2 before Tier1 and reads skills from "Skills"; Support overflows and has no groups."""
    tier1, tier2 = GroupFactory(name="Tier1"), GroupFactory(name="Tier2")
    skills_field = CallProfileField.objects.create(name="Skills", tapi_property="_STCC_Skills")
    sales = ServiceFactory(name="Sales", strategy="top_down", ring_timeout=20, no_answer_state="available",
                           max_queue_length=10, priority=7, no_agent_kind="device", no_agent_device="5000",
                           no_agent_timeout=40, skills_field=skills_field, callback_abandoned=True,
                           callback_attempts=2)  # fmt: skip
    ServiceGroup.objects.create(service=sales, group=tier1, position=1)
    ServiceGroup.objects.create(service=sales, group=tier2, position=0)
    ServiceFactory(name="Support", max_queue_time=120, overflow_kind="device", overflow_device="6000")
    ServiceFactory(name="Card services", max_queue_time=60, overflow_kind="service", overflow_service=sales,
                   no_agent_kind="hangup")  # fmt: skip
    spanish, billing = SkillFactory(name="Spanish"), SkillFactory(name="Billing")
    b = AgentFactory(number="1002", name="Bea", extension="sip:1002@pbx.example.com")
    b.groups.set([tier1])
    AgentSkill.objects.create(agent=b, skill=spanish, level=5)
    AgentSkill.objects.create(agent=b, skill=billing, level=2)
    a = AgentFactory(number="1001", name="Al", extension="sip:1001@pbx.example.com")
    a.groups.set([tier2, tier1])
    return sales


@pytest.fixture
def engine(settings):
    client, prefix = use_test_prefixes(settings)
    yield notifier.engine()
    drop(client, prefix)


def h(raw):
    return {k.decode(): v.decode() for k, v in raw.items()}


def test_live_config_builds_the_engines_input(routing):
    services, agents = live_config()
    cards = services.pop(0)
    assert (cards["name"], cards["overflow_to"], cards["no_agent_to"]) == (
        "Card services",
        ("service", "Sales"),
        ("hangup", ""),
    )
    assert services == [
        {"name": "Sales", "strategy": "top_down", "ring_timeout": 20, "max_queue_length": 10,
         "no_answer_state": "available", "groups": ["Tier2", "Tier1"], "priority": 7, "max_queue_time": None,
         "overflow": False, "no_agent": True, "no_agent_timeout": 40, "callback_abandoned": True,
         "callback_attempts": 2, "skills_field": "Skills", "overflow_to": None, "no_agent_to": ("device", "5000")},
        {"name": "Support", "strategy": "longest_idle", "ring_timeout": 15, "max_queue_length": 0,
         "no_answer_state": "released", "groups": [], "priority": 5, "max_queue_time": 120, "overflow": True,
         "no_agent": False, "no_agent_timeout": 30, "callback_abandoned": False, "callback_attempts": 3,
         "skills_field": "", "overflow_to": ("device", "6000"), "no_agent_to": None},
    ]  # fmt: skip
    assert agents == [
        {"id": "1001", "name": "Al", "extension": "sip:1001@pbx.example.com", "groups": ["Tier1", "Tier2"],
         "skills": {}},
        {"id": "1002", "name": "Bea", "extension": "sip:1002@pbx.example.com", "groups": ["Tier1"],
         "skills": {"Billing": 2, "Spanish": 5}},
    ]  # fmt: skip


def test_live_config_query_count_does_not_grow_with_rows(routing, django_assert_num_queries):
    for n in range(5):
        agent = AgentFactory()
        agent.groups.set(Group.objects.all())
        AgentSkill.objects.create(agent=agent, skill=Skill.objects.first(), level=3)
        ServiceFactory(name=f"Extra {n}")
    with django_assert_num_queries(6):  # services + their groups; agents + groups + skill rows + skills
        live_config()


def test_saving_a_service_loads_it_into_the_engine_after_commit(routing, engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        service = service_for(Service).create(
            data={
                "name": "Billing",
                "strategy": "round_robin",
                "ring_timeout": 25,
                "max_queue_length": 4,
                "groups": list(Group.objects.filter(name="Tier1")),
            }  # fmt: skip
        )
        assert engine.client.hgetall(engine.keys.service("Billing")) == {}  # nothing before the commit
        service_for(Service).update(instance=service, data={"no_answer_state": "available"})
    assert callbacks == [sync_live_config]  # two saves, one transaction: one sync
    loaded = h(engine.client.hgetall(engine.keys.service("Billing")))
    assert {k: loaded[k] for k in ("strategy", "ring_ms", "max_len", "after")} == {
        "strategy": "round_robin",
        "ring_ms": "25000",
        "max_len": "4",
        "after": "available",
    }
    assert h(engine.client.hgetall(engine.keys.service("Sales")))["strategy"] == "top_down"  # all are loaded


def test_saving_an_agent_loads_its_groups_and_skills(routing, engine, django_capture_on_commit_callbacks):
    agent = Agent.objects.get(number="1001")
    spanish = Skill.objects.get(name="Spanish")
    with django_capture_on_commit_callbacks(execute=True):
        data = {"groups": [Group.objects.get(name="Tier2")], "skills": [{"skill": spanish, "level": 9}]}
        service_for(Agent).update(instance=agent, data=data)
    row = h(engine.client.hgetall(engine.keys.agent("1001")))
    assert json.loads(row["groups"]) == ["Tier2"]
    assert json.loads(row["skills"]) == {"Spanish": 9}
    assert json.loads(row["services"]) == ["Sales"]
    assert row["state"] == "logged_out"


@pytest.mark.parametrize("model", [Group, Skill, Service, Agent])
def test_deletes_sync_too(model, routing, django_capture_on_commit_callbacks):
    instance = {Group: lambda: GroupFactory(), Skill: lambda: SkillFactory(), Service: lambda: ServiceFactory(),
                Agent: lambda: AgentFactory()}[model]()  # fmt: skip
    with django_capture_on_commit_callbacks() as callbacks:
        service_for(model).delete(instance=instance)
    # a deleted agent's desk-phone password must stop working too: the SIP front's HA1 table is rebuilt
    assert callbacks == ([sync_live_config, sync_sip_credentials_quietly] if model is Agent else [sync_live_config])


def test_a_rejected_save_schedules_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Exception, match="ring_timeout"):
        service_for(Service).create(data={"name": "Sales", "ring_timeout": 1})
    assert callbacks == []


def test_a_rolled_back_savepoint_does_not_swallow_the_next_sync(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                service_for(Group).create(data={"name": "Tier9"})
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        service_for(Skill).create(data={"name": "French"})
    assert callbacks == [sync_live_config]


def test_redis_down_is_a_warning_and_the_save_stands(settings, caplog, django_capture_on_commit_callbacks):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="acd.services.live_config"):
        with django_capture_on_commit_callbacks(execute=True):
            service_for(Service).create(data={"name": "Sales"})
    assert Service.objects.filter(name="Sales").exists()
    assert "ACD configuration not loaded into Redis" in caplog.text


def test_acd_sync_command_loads_and_says_what(routing, engine):
    out = StringIO()
    call_command("acd_sync", stdout=out)
    assert out.getvalue().strip() == "3 services, 2 agents"
    assert h(engine.client.hgetall(engine.keys.service("Support")))["max_len"] == "0"
    assert json.loads(h(engine.client.hgetall(engine.keys.agent("1002")))["skills"]) == {"Billing": 2, "Spanish": 5}


def test_acd_sync_command_fails_when_redis_is_down(routing, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(CommandError, match="ACD configuration not loaded"):
        call_command("acd_sync", stdout=StringIO())


def test_beat_runs_the_sync_every_minute(routing, engine):
    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == sync_acd_config.name)
    assert entry["schedule"] == 60
    sync_acd_config()
    assert engine.client.exists(engine.keys.service("Sales"))


def test_deleted_services_and_logged_out_agents_are_forgotten(routing, engine, django_capture_on_commit_callbacks):
    sync_live_config()
    assert engine.client.exists(engine.keys.service("Support"), engine.keys.agent("1002")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        service_for(Service).delete(instance=Service.objects.get(name="Support"))
        service_for(Agent).delete(instance=Agent.objects.get(number="1002"))
    assert engine.client.exists(engine.keys.service("Support"), engine.keys.agent("1002")) == 0
    assert engine.client.exists(engine.keys.service("Sales"), engine.keys.agent("1001")) == 2
