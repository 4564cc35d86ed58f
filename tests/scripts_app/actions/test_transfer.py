"""Transfer: extension, number or IRN, with %Field% targets; transferred or failure."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import FakeMedia, make_call, make_env, run_action


@pytest.mark.parametrize(
    ("kind", "target", "sent"),
    [
        ("extension", "1001", "1001"),
        ("extension", "sip:1001@127.0.0.1:5070", "sip:1001@127.0.0.1:5070"),
        ("number", "+1 (555) 123-4567", "+15551234567"),
        ("irn", "5002", "5002"),
    ],
)
def test_transferred(kind, target, sent):
    call = make_call()
    assert run_action("transfer", {"kind": kind, "target": target}, call) == "transferred"
    assert call.media.transfers == [sent]
    assert call.outcome == "transferred" and call.destination == sent and call.ended


def test_the_target_may_come_from_the_profile():
    call = make_call({"Agent Extension": "2002"})
    assert run_action("transfer", {"target": "%Agent Extension%"}, call) == "transferred"
    assert call.media.transfers == ["2002"]


def test_a_refused_transfer_fails_and_the_call_stays():
    call = make_call(media=FakeMedia(transfer_ok=False))
    with pytest.raises(ActionFailed, match="1001"):
        run_action("transfer", {"target": "1001"}, call)
    assert not call.ended


def test_an_empty_target_fails_without_transferring():
    call = make_call({"Agent Extension": ""})
    with pytest.raises(ActionFailed, match="empty"):
        run_action("transfer", {"target": "%Agent Extension%"}, call)
    assert call.media.transfers == []


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"kind": "number", "target": "+1 555 123 4567"}, []),
        ({"kind": "irn", "target": "%DNIS%"}, []),
        ({"kind": "irn", "target": "sales"}, ["scripts.E066"]),
        ({"kind": "number", "target": "call me"}, ["scripts.E066"]),
        ({"target": "%Agent Extensoin%"}, ["scripts.E056"]),
        ({"target": 5}, []),  # wrong type: the generic checks say so
    ],
)
def test_check(params, ids):
    assert [e.id for e in get_action("transfer").check(Node("t", "transfer", params), make_env())] == ids


def test_declaration():
    assert get_action("transfer").exits({}) == ("transferred",)
