"""The guide's two worked examples, as `make run` loads them, driven by `manage.py script_simulate`.

Each run is a separate process on its own var/ dir, with the demo CRM reached for real over ODBC.
"""

import json

import pytest

from tests.integration import setup_commands
from tests.integration.conftest import manage
from tests.integration.run import call

pytestmark = pytest.mark.integration
ROUTE = "Route by customer type"
BALANCE = "Account balance"


@pytest.fixture(scope="module")
def demo(stack_env):
    manage(stack_env, "migrate", "--no-input")
    manage(stack_env, "load_demo")
    return stack_env


def simulate(env, script, digits, dnis):
    out = manage(env, "script_simulate", script, "--digits", digits, "--dnis", dnis, "--json").stdout
    return json.loads(out)


def exits(result):
    return [(step["node"], step["exit"]) for step in result["trace"]]


def test_customer_1001_is_routed_to_stocks(demo):
    result = simulate(demo, ROUTE, "1001#", "5100")
    assert (result["outcome"], result["destination"], result["profile"]["Service"]) == ("queued", "Stocks", "Stocks")
    assert result["profile"]["Customer Type"] == "STOCKS" and result["profile"]["Customer Number"] == "1001"
    assert [node for node, _ in exits(result)] == [
        "ask_id",
        "connect",
        "find",
        "get_type",
        "disconnect",
        "by_type",
        "to_stocks",
        "queue",
    ]


def test_customer_1002_is_routed_to_bonds(demo):
    result = simulate(demo, ROUTE, "1002#", "5100")
    assert (result["outcome"], result["profile"]["Service"]) == ("queued", "Bonds")
    assert ("by_type", "bonds") in exits(result)


def test_an_unknown_customer_takes_the_not_found_path(demo):
    result = simulate(demo, ROUTE, "4242#", "5100")
    assert ("find", "no_rows") in exits(result) and ("not_found", "next") in exits(result)
    assert "[prompt] customer_not_found" in result["heard"]
    assert result["profile"]["Service"] == "Customer Care" and result["outcome"] == "queued"


def test_an_unreachable_crm_takes_the_failure_path(demo, tmp_path):
    broken = dict(demo)
    missing = f"Driver=SQLite3;Database={tmp_path}/missing/dir/crm.db"
    assert call(broken, setup_commands.set_dsn, name="Demo CRM", dsn=missing) == missing
    try:
        result = simulate(broken, ROUTE, "1001#", "5100")
    finally:
        call(broken, setup_commands.restore_demo_crm)
    failed = [step for step in result["trace"] if step["node"] in {"connect", "find"} and step["error"]]
    assert failed, result["trace"]
    assert ("db_down", "next") in exits(result) and "[prompt] records_unavailable" in result["heard"]
    assert result["profile"]["Service"] == "Customer Care" and result["outcome"] == "queued"


def test_balance_of_1001_is_spoken_as_currency(demo):
    result = simulate(demo, BALANCE, "1001#", "5200")
    assert result["profile"]["Account Balance"] == "2500.75"
    assert "[speech] \"two thousand, five hundred dollars, seventy-five cents\" (currency '2500.75')" in result["heard"]
    assert result["outcome"] == "hung_up"


GREETING = {
    "name": "Greeting",
    "graph": {
        "start": "hello",
        "nodes": [
            {"id": "hello", "action": "play_prompt", "params": {"prompts": ["welcome"]}, "exits": {"next": None}}
        ],
    },
}
MAIN = {
    "name": "Main",
    "graph": {
        "start": "greet",
        "nodes": [
            {"id": "greet", "action": "subscript", "params": {"script": "Greeting"}, "exits": {"next": "queue"}},
            {
                "id": "queue",
                "action": "queue_to_service",
                "params": {"service": "Bonds"},
                "exits": {"queued": None, "no_agents": None, "full": None},
            },
        ],
    },
}


def test_a_subscript_runs_inside_a_simulated_call(demo):
    """Subscript loads the published graph from inside the running script (the loader leaves the event loop)."""
    call(demo, setup_commands.publish_scripts, scripts=[GREETING, MAIN])
    result = simulate(demo, "Main", "", "")
    assert "[prompt] welcome" in result["heard"] and result["outcome"] == "queued"
    assert ("Greeting", "hello") in [(s["script"], s["node"]) for s in result["trace"]]
