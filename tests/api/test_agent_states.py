"""/api/agents/{id}/login|logout|ready|release|wrap-up|end-wrap-up|force|state/: engine-checked, 409 with the reason."""

import pytest

from acd import notifier
from calls.models import AcdEvent
from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def live(settings):
    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="Tier1")
    agent = AgentFactory(number="1001")
    agent.groups.add(group)
    load_engine(client, prefix, [agent], {"Sales": ["Tier1"]})
    yield agent, group
    drop(client, prefix)


def post(api, agent, action, body=None):
    return api.post(f"/api/agents/{agent.pk}/{action}/", body or {}, format="json")


def test_login_ready_release_logout_with_history(api, live):
    """Each action returns the live state and writes one agent_state history row."""
    agent, group = live
    assert post(api, agent, "login", {"group": group.pk}).json()["state"] == "released"
    assert post(api, agent, "ready").json()["state"] == "available"
    body = post(api, agent, "release", {"code": "lunch"}).json()
    assert body == {"agent": "1001", "state": "released", "code": "lunch", "call": ""}
    assert api.get(f"/api/agents/{agent.pk}/state/").json()["code"] == "lunch"
    assert post(api, agent, "logout").json()["state"] == "logged_out"
    rows = list(AcdEvent.objects.filter(agent="1001").values_list("kind", "data"))
    assert [d["action"] for _, d in rows] == ["login", "ready", "release", "logout"]
    assert {k for k, _ in rows} == {"agent_state"}
    assert rows[0][1]["group"] == "Tier1" and rows[2][1]["code"] == "lunch" and rows[0][1]["by"] == "admin"


@pytest.mark.parametrize(
    ("setup", "action", "body"),
    [
        ([], "ready", None),
        ([], "logout", None),
        ([], "release", {"code": "x"}),
        ([], "end-wrap-up", None),
        (["login"], "login", None),
        (["login"], "wrap-up", {"code": "sale"}),
        (["login", "ready"], "end-wrap-up", None),
    ],
)
def test_action_that_does_not_fit_the_state_is_409_with_the_reason(api, live, setup, action, body):
    """Nothing changes and no history row is written."""
    agent, _ = live
    for step in setup:
        assert post(api, agent, step).status_code == 200
    before = AcdEvent.objects.count()
    state = api.get(f"/api/agents/{agent.pk}/state/").json()["state"]
    response = post(api, agent, action, body)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_transition"
    assert state in response.json()["detail"]
    assert AcdEvent.objects.count() == before
    assert api.get(f"/api/agents/{agent.pk}/state/").json()["state"] == state


def test_wrap_up_and_end_wrap_up_around_an_acd_call(api, live):
    agent, _ = live
    post(api, agent, "login", {"ready": True})
    eng = notifier.engine()
    assert eng.enqueue("c1", "Sales").agent == "1001"
    eng.answered("c1", "1001")
    assert post(api, agent, "wrap-up", {"code": "sale"}).json()["state"] == "wrap_up"
    assert post(api, agent, "end-wrap-up").json()["state"] == "available"
    assert AcdEvent.objects.filter(data__action="wrap_up", data__code="sale").exists()


def test_wrap_up_code_after_the_caller_hung_up(api, live):
    """The hang-up already put the agent in wrap-up: the code is recorded, the state stays."""
    agent, _ = live
    post(api, agent, "login", {"ready": True})
    eng = notifier.engine()
    eng.enqueue("c1", "Sales")
    eng.answered("c1", "1001")
    eng.hangup("c1")
    assert post(api, agent, "wrap-up", {"code": "info"}).json()["state"] == "wrap_up"


def test_ready_takes_a_waiting_call_at_once(api, live):
    agent, _ = live
    post(api, agent, "login")
    eng = notifier.engine()
    assert eng.enqueue("c9", "Sales").agent is None
    assert post(api, agent, "ready").json() == {"agent": "1001", "state": "reserved", "code": "", "call": "c9"}
    assert AcdEvent.objects.get(data__action="ready").data["reserved_call"] == "c9"


@pytest.mark.parametrize(("target", "code"), [("available", ""), ("released", "meeting"), ("logged_out", "")])
def test_supervisor_forces_a_state(api, live, target, code):
    agent, _ = live
    response = post(api, agent, "force", {"state": target, "code": code})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == target and response.json()["code"] == code
    assert AcdEvent.objects.get(data__action="force").data["target"] == target


def test_force_is_refused_on_a_call_and_for_non_staff(api, live, django_user_model, client):
    agent, _ = live
    post(api, agent, "login", {"ready": True})
    notifier.engine().enqueue("c1", "Sales")
    response = post(api, agent, "force", {"state": "logged_out"})
    assert response.status_code == 409 and "reserved" in response.json()["detail"]
    user = django_user_model.objects.create_user("alice", password="alice-pass-123")
    agent.user = user
    agent.save()
    client.force_login(user)
    assert client.post(f"/api/agents/{agent.pk}/force/", {"state": "available"}).status_code == 403


def test_an_agent_acts_on_itself_only(live, role_user, client):
    agent, _ = live
    user = role_user("agent", "alice")
    agent.user = user
    agent.save()
    other = AgentFactory(number="1002")
    client.force_login(user)
    assert client.post(f"/api/agents/{agent.pk}/login/").json()["state"] == "released"
    assert client.post(f"/api/agents/{other.pk}/login/").status_code == 403


def test_login_into_a_group_the_agent_is_not_in_is_400(api, live):
    agent, _ = live
    response = post(api, agent, "login", {"group": GroupFactory(name="Other").pk})
    assert response.status_code == 400 and "group" in response.json()["errors"]


def test_change_is_published_after_commit(api, live, monkeypatch, django_capture_on_commit_callbacks):
    """One delta per group that sees the agent: its own, its service's and the wallboard."""
    agent, _ = live
    sent = []
    monkeypatch.setattr(notifier, "send", sent.extend)
    with django_capture_on_commit_callbacks(execute=True):
        post(api, agent, "login", {"ready": True})
    by_group = {d["group"]: d for d in sent}
    assert set(by_group) == {"wallboard", "svc.Sales", "agent.1001"}
    assert by_group["agent.1001"]["seq"] == 1
    assert by_group["svc.Sales"]["agents"]["1001"]["state"] == "available"
    assert by_group["svc.Sales"]["queues"] == {"Sales": []}
