"""What the end-to-end stacks do inside their own installation: set it up, and act on it while the pool runs.

Each function runs in the stack's installation (its var/, its Redis database and ACD prefix) through
tests.integration.run: `call(env, set_extensions, extensions={...})`. Arguments and results are JSON values;
keyword-only, as the runner passes them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from acd import notifier
from acd.models import Agent, Group, Service, ServiceGroup
from acd.services import acd_calls
from acd.services.agent_states import agent_force_state, agent_login, agent_logout, agent_ready
from acd.services.live_config import load_live_config
from acd.services.users import assign_role
from calls.models import CallProfileField
from core.roles import Role
from core.services import service_for
from routing.models import IRN
from scripts_app.models import DatabaseConnection, Script
from scripts_app.services.scripts import script_import, script_publish, script_save_draft

AGENTS = ("1001", "1002", "1003")


def _publish(name: str, graph: dict[str, Any]) -> Script:
    script = script_save_draft(data={"name": name, "graph": graph})
    script_publish(script=script)
    return script


def _script_irn(number: str, name: str, script: Script) -> IRN:
    return IRN.objects.create(number=number, name=name, destination_kind="script", destination_script=script)


def _node(id: str, action: str, params: dict[str, Any], exits: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "action": action, "params": params, "exits": exits}


def _update_extensions(extensions: dict[str, str]) -> dict[str, str]:
    for number, uri in extensions.items():
        Agent.objects.filter(number=number).update(extension=uri)
    return dict(Agent.objects.filter(number__in=extensions).values_list("number", "extension"))


def _irns(numbers: list[str]) -> dict[str, str]:
    """IRN number -> the name of the script or service it goes to."""
    found = IRN.objects.filter(number__in=numbers).select_related("destination_script", "destination_service")
    return {irn.number: (irn.destination_script or irn.destination_service).name for irn in found}


def _state(engine: Any, number: str) -> str | None:
    return (engine.agent(number) or {}).get("state")


# ----- agents ------------------------------------------------------------------------------------------------


def set_extensions(*, extensions: dict[str, str]) -> dict[str, str]:
    """The agents' extensions (number -> SIP URI), then the live ACD reloaded; the extensions as stored."""
    stored = _update_extensions(extensions)
    load_live_config()
    return stored


def set_no_answer_state(*, service: str, state: str) -> str:
    """The service's state after no answer ("released" or "available"), through the service layer."""
    row = Service.objects.get(name=service)
    service_for(Service).update(instance=row, data={"no_answer_state": state})
    load_live_config()
    return Service.objects.get(name=service).no_answer_state


def log_agents(
    *, login: Sequence[str] = (), logout: Sequence[str] = (), report: Sequence[str] = AGENTS
) -> dict[str, Any]:
    """`logout` logged out (those not logged out already), then `login` logged in and ready; the live state of
    each agent of `report` (None: not in the engine)."""
    engine = notifier.engine()
    for number in logout:
        if (engine.agent(number) or {}).get("state", "logged_out") != "logged_out":
            agent_logout(agent=Agent.objects.get(number=number))
    for number in login:
        agent_login(agent=Agent.objects.get(number=number), ready=True)
    return {number: _state(engine, number) for number in report}


# ----- test_script_calls ---------------------------------------------------------------------------------------


def script_calls_installation(*, hello: str, digits: str, hold: str) -> dict[str, str]:
    """Three IRNs and their published scripts: `hello` plays a prompt; `digits` takes up to 6 digits into
    Customer Number and announces them; `hold` is 20 s of music on hold. IRN -> script."""
    greet = _node("greet", "play_prompt", {"prompts": ["hello"]}, {"next": None})
    _script_irn(hello, "Hello line", _publish("Hello", {"start": "greet", "nodes": [greet]}))
    ask = {"prompt": ["hello"], "field": "Customer Number", "max_digits": 6, "first_timeout": 5}
    entry = {
        "start": "ask",
        "nodes": [
            _node("ask", "get_digits", ask, {"success": "say", "timeout": None, "invalid": None}),
            _node("say", "announce", {"field": "Customer Number", "format": "digits"}, {"next": None}),
        ],
    }
    _script_irn(digits, "Digits line", _publish("Digits", entry))
    moh = _node("moh", "music_on_hold", {"seconds": 20}, {"next": None})
    _script_irn(hold, "Hold line", _publish("Hold", {"start": "moh", "nodes": [moh]}))
    return _irns([hello, digits, hold])


# ----- test_bad_input (bad_input_stack) ------------------------------------------------------------------------


def bad_input_installation(
    *, hello: str, digits: str, loop: str, slow_sql: str, queue: str, agent: str, extension: str, crm: dict[str, Any]
) -> dict[str, Any]:
    """The IRNs of bad_input_stack's docstring, the CRM connection of the slow query, and the queue whose only
    agent (`agent`, at `extension`) is logged in and ready. IRN -> script or service, and the agent's state."""
    service_for(CallProfileField).create(data={"name": "Account Number", "data_type": "text"})
    greet = _node("greet", "play_prompt", {"prompts": ["hello"]}, {"next": None})
    _script_irn(hello, "Hello", _publish("Hello", {"start": "greet", "nodes": [greet]}))

    ask = {"prompt": ["hello"], "field": "Customer Number", "max_digits": 4, "terminator": "#", "first_timeout": 8}
    again = {**ask, "field": "Account Number", "first_timeout": 2}
    two_entries = {
        "start": "ask",
        "nodes": [
            _node("ask", "get_digits", ask, {"success": "say", "timeout": None, "invalid": None}),
            _node("say", "announce", {"field": "Customer Number", "format": "digits"}, {"next": "again"}),
            _node("again", "get_digits", again, {"success": None, "timeout": None, "invalid": None}),
        ],
    }
    _script_irn(digits, "Digits", _publish("Digits", two_entries))

    retry = {**ask, "first_timeout": 1}
    retry_loop = {
        "start": "ask",
        "nodes": [_node("ask", "get_digits", retry, {"success": None, "timeout": "ask", "invalid": "ask"})],
    }
    _script_irn(loop, "Retry loop", _publish("Retry loop", retry_loop))

    service_for(DatabaseConnection).create(data=crm)
    query = {"connection": "CRM", "statement": "SELECT SLEEP(3) AS slept"}
    slow = {
        "start": "query",
        "nodes": [
            _node(
                "query",
                "query_database",
                query,
                {"success": "bye", "no_rows": "bye", "timeout": "bye", "failure": "bye"},
            ),
            _node("bye", "play_prompt", {"prompts": ["hello"]}, {"next": None}),
        ],
    }
    _script_irn(slow_sql, "Slow SQL", _publish("Slow SQL", slow))

    group = Group.objects.create(name="Dead phones")
    never_answers = Agent.objects.create(number=agent, name="Never answers", extension=extension)
    never_answers.groups.add(group)
    service = Service.objects.create(name="Dead phones", ring_timeout=5, no_answer_state="released")
    ServiceGroup.objects.create(service=service, group=group, position=0)
    IRN.objects.create(number=queue, name="Queue", destination_kind="service", destination_service=service)
    load_live_config()
    agent_login(agent=never_answers, ready=True)
    return {"irns": _irns([hello, digits, loop, slow_sql, queue]), "agent": _state(notifier.engine(), agent)}


# ----- test_democall ---------------------------------------------------------------------------------------------


def democall_installation(*, number: str, connection: dict[str, Any], sql_seconds: int) -> dict[str, str]:
    """The demo plus IRN `number`: a slow statement on `connection` (its name: "Slow CRM") under music on hold,
    then a prompt and Hang Up; the demo's services into this installation's Redis, as `make run`'s sync does.
    IRN -> script."""
    service_for(DatabaseConnection).create(data=connection)
    statement = f"SELECT SLEEP({sql_seconds}) AS x, 'GOLD' AS customer_type"
    graph = {
        "start": "slow_sql",
        "nodes": [
            _node(
                "slow_sql",
                "sql_execute",
                {"connection": "Slow CRM", "statement": statement},
                {"success": "greet", "no_rows": "bye", "timeout": "bye", "failure": "bye"},
            ),
            _node("greet", "play_prompt", {"prompts": ["hello"]}, {"next": "bye"}),
            _node("bye", "hang_up", {}, {}),
        ],
    }
    _script_irn(number, "Slow CRM line", _publish("Slow CRM lookup", graph))
    load_live_config()
    return _irns([number])


# ----- test_queue_treatment_e2e ------------------------------------------------------------------------------------


def queue_treatment_installation(*, interval: int, overflow_after: int) -> dict[str, dict[str, Any]]:
    """The demo's services with queue treatment: Stocks has a welcome, its own music and its position announced
    every `interval` s (set straight in the database, under the model's 10 s minimum); Bonds has an IVR
    application (a 600 Hz prompt); Customer Care overflows to a script (an 800 Hz prompt, then Hang Up) after
    `overflow_after` s. Service -> the settings as stored."""
    Service.objects.filter(name="Stocks").update(
        welcome_announcement="announcements/welcome.wav",
        music_on_hold="moh/services/stocks.wav",
        announcement_interval=interval,
        announce_position=True,
        announce_wait_time=False,
    )
    tone = _node("tone", "play_prompt", {"prompts": ["ivr_tone"]}, {"next": None})
    ivr = _publish("Bonds while you wait", {"start": "tone", "nodes": [tone]})
    Service.objects.filter(name="Bonds").update(
        script=ivr, music_on_hold="moh/services/stocks.wav", announce_position=False, announce_wait_time=False
    )
    overflow_graph = {
        "start": "tone",
        "nodes": [
            _node("tone", "play_prompt", {"prompts": ["overflow_tone"]}, {"next": "bye"}),
            _node("bye", "hang_up", {}, {}),
        ],
    }
    overflow = _publish("Overflow line", overflow_graph)
    Service.objects.filter(name="Customer Care").update(
        max_queue_time=overflow_after, overflow_kind="script", overflow_script=overflow, announce_position=False
    )
    load_live_config()
    fields = ["announcement_interval", "announce_position", "max_queue_time", "overflow_kind"]
    return {
        row.pop("name"): row
        for row in Service.objects.filter(name__in=["Stocks", "Customer Care"]).values("name", *fields)
    }


def supervise_queues_for(*, seconds: float, every: float = 0.5) -> int:
    """The ACD's periodic job (Celery beat runs it in `make run`: positions to owners, maximum queue time) for
    `seconds`; prints "supervising" first, for the test to wait for. How many times it ran."""
    print("supervising", flush=True)
    runs = int(seconds / every)
    for _ in range(runs):
        acd_calls.supervise_queues()
        time.sleep(every)
    return runs


# ----- test_originate_e2e --------------------------------------------------------------------------------------------


def request_callback(
    *, call_id: str, destinations: list[str], profile: dict[str, str], agent: str = "1001", service: str = "Stocks"
) -> dict[str, str]:
    """A call waiting for `service` becomes a callback (its caller has hung up) while `agent` is logged in but
    released; then the agent gets ready. The agent's and the call's live states."""
    row = Agent.objects.get(number=agent)
    engine = notifier.engine()
    if (engine.agent(agent) or {}).get("state", "logged_out") == "logged_out":
        agent_login(agent=row)
    elif engine.agent(agent)["state"] != "released":
        agent_force_state(agent=row, state="released")
    acd_calls.call_queued(call_id=call_id, service=service, owner="a-caller-child")
    acd_calls.callback_requested(call_id=call_id, destinations=destinations, profile=profile)
    agent_ready(agent=row)
    return callback_state(call_id=call_id, agent=agent)


def callback_state(*, call_id: str, agent: str = "1001") -> dict[str, Any]:
    """The agent's live state and the call's ("" once the engine has forgotten it)."""
    engine = notifier.engine()
    return {"agent": _state(engine, agent), "call": engine.call(call_id).get("state", "")}


# ----- test_transfer_e2e ---------------------------------------------------------------------------------------------


def transfer_installation(*, extensions: dict[str, str], scripts: list[list[Any]]) -> dict[str, str]:
    """The agents' extensions, and for each [IRN number, script name, nodes] a published script (imported as
    export JSON) and its IRN, then the live ACD reloaded. IRN -> script."""
    _update_extensions(extensions)
    for number, name, nodes in scripts:
        graph = {"start": nodes[0]["id"], "nodes": nodes}
        script = Script.objects.filter(name=name).first() or script_import(
            data={"name": name, "description": "transfer tests", "parameters": {}, "graph": graph}
        )
        if script.current_version is None:
            script_publish(script=script, comment="test")
        IRN.objects.get_or_create(
            number=number, defaults={"name": name, "destination_kind": "script", "destination_script": script}
        )
    load_live_config()
    return _irns([number for number, _, _ in scripts])


def api_transfer(*, call_id: str, target: str) -> dict[str, Any]:
    """`POST /api/calls/{call_id}/transfer/` as a staff user, in the installation; its status and JSON body."""
    users = get_user_model().objects
    user = users.filter(username="transfer-admin").first()
    if user is None:
        user = users.create_superuser("transfer-admin", "t@example.com", "transfer-pass-123")
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.force_authenticate(user)
    response = client.post(f"/api/calls/{call_id}/transfer/", {"target": target}, format="json")
    return {"status": response.status_code, "body": json.loads(response.content)}


# ----- test_softphone_browser ----------------------------------------------------------------------------------


def softphone_installation(*, agent: str, username: str, password: str, screen_pop_url: str) -> dict[str, Any]:
    """Agent `agent` with the registered extension of the same digits (the browser phone registers it), linked
    to a new agent-role user; the other agents logged out; the caller's fields exported; Stocks (IRN 5002,
    "Stock desk direct") with a screen-pop URL; the live ACD reloaded. The agent and service as stored."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", password)
    assign_role(user, Role.AGENT)
    Agent.objects.filter(number=agent).update(extension=agent, user=user)
    for number in AGENTS:
        if number != agent and (notifier.engine().agent(number) or {}).get("state", "logged_out") != "logged_out":
            agent_logout(agent=Agent.objects.get(number=number))
    CallProfileField.objects.filter(name__in=["ANI", "Caller Name", "DNIS", "Service"]).update(exported=True)
    Service.objects.filter(name="Stocks").update(screen_pop_url=screen_pop_url)
    load_live_config()
    row = Agent.objects.get(number=agent)
    return {"extension": row.extension, "user": row.user.username, "irn": _irns(["5002"])}
