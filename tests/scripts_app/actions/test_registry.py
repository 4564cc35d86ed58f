"""Every action is registered, documented, and its check()/exits()/deadline() never raise on any parameters."""

import math
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import scripts_app.actions
from scripts_app.actions._common import CHECK_IDS, ActionFailed
from scripts_app.engine.actions import ACTIONS, FAILURE, PARAM_KINDS, get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import FakeScripts, make_call, make_env, run_action

EXPECTED = {
    "announce": ("Announce", True),
    "play_prompt": ("Play Prompt", True),
    "music_on_hold": ("Music On Hold", True),
    "wait": ("Wait", True),
    "get_digits": ("Get Digits", True),
    "menu": ("Menu", True),
    "decision": ("Decision", False),
    "change_profile": ("Change Profile", False),
    "sql_connect": ("SQLConnect", False),
    "sql_execute": ("SQLExecute", False),
    "sql_disconnect": ("SQLDisconnect", False),
    "query_database": ("Query Database", False),
    "queue_to_service": ("Queue to Service", False),
    "transfer": ("Transfer", False),
    "subscript": ("Subscript", False),
    "goto": ("Goto", False),
    "schedule": ("Schedule", False),
    "callback_request": ("Callback Request", True),
    "hang_up": ("Hang Up", False),
}


def test_every_action_has_its_module_and_is_registered():
    get_action("goto")
    package = Path(scripts_app.actions.__file__).parent
    modules = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(EXPECTED) == set(ACTIONS)
    assert {name: (a.title, a.interacts) for name, a in ACTIONS.items()} == EXPECTED


def test_every_action_and_parameter_is_documented_with_a_known_kind():
    for name, action in ACTIONS.items():
        assert action.name == name and len(action.doc) > 40, name
        for param in action.params:
            assert re.fullmatch(r"[a-z][a-z_]*", param.name), (name, param.name)
            assert param.kind in PARAM_KINDS and param.doc, (name, param.name)
            assert param.kind != "choice" or param.choices, (name, param.name)
        assert FAILURE not in action.exits({}), name  # failure is optional: the action raises


def test_check_ids_are_unique_and_above_the_generic_range():
    assert len(set(CHECK_IDS)) == len(CHECK_IDS)
    assert all(re.fullmatch(r"scripts\.E0(5\d|6\d)", i) for i in CHECK_IDS)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 30) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@st.composite
def params_for(draw):
    action = draw(st.sampled_from(sorted(ACTIONS)))
    names = [p.name for p in ACTIONS[action].params] + ["conditions", "cases", "value", "field", "op", "name"]
    keys = draw(st.lists(st.sampled_from(names), max_size=6, unique=True))
    return action, {key: draw(json_values) for key in keys}


@settings(max_examples=600, deadline=None)
@given(params_for())
def test_check_exits_and_deadline_never_raise(case):
    name, params = case
    action = ACTIONS[name]
    errors = action.check(Node("n", name, params), make_env())
    assert all(e.id in CHECK_IDS and e.node == "n" and e.message for e in errors)
    exits = action.exits(params)
    assert isinstance(exits, tuple) and all(isinstance(e, str) for e in exits)
    deadline = action.deadline(params)
    assert deadline > 0 and math.isfinite(deadline)


@settings(max_examples=600, deadline=None)
@given(params_for(), st.lists(st.sampled_from(["", "1", "12#", "5551234567#", "*", "9"]), max_size=6))
def test_run_on_any_parameters_takes_an_exit_or_fails_cleanly(case, keys):
    """Whatever the parameters, an action returns an exit it declares (or ends the call) or raises ActionFailed."""
    name, params = case
    action = ACTIONS[name]
    call = make_call(keys=keys, scripts=FakeScripts({}))
    try:
        exit_name = run_action(name, params, call)
    except ActionFailed:
        return
    assert exit_name in action.exits(params) or call.ended
