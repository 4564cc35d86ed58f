"""Test-only actions (names start with "t_") for the engine's unit tests; conftest registers them per test.

They stand in for the real actions so the validator and the interpreter are tested on their own:
each does one small, predictable thing through the fake ports of tests/scripts_app/fakes.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.engine.actions import Action, Param, ValidationEnv
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node


class Say(Action):
    name = "t_say"
    title = "Say (test)"
    params = (Param("prompts", "prompts", required=True),)
    fixed_exits = ("next",)
    interacts = True

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        await call.media.play(list(params["prompts"]), language=call.language)
        return "next"


class Ask(Action):
    name = "t_ask"
    title = "Ask (test)"
    params = (
        Param("field", "field", required=True),
        Param("max_digits", "int", default=4),
        Param("terminator", "digits", default="#"),
        Param("pattern", "regex"),
    )
    fixed_exits = ("success", "timeout")
    interacts = True

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        digits = await call.media.collect_digits(
            prompts=[],
            language=call.language,
            max_digits=int(self.param(params, "max_digits")),
            terminator=self.param(params, "terminator"),
            first_timeout=5.0,
            inter_timeout=3.0,
        )
        if not digits:
            return "timeout"
        call.profile[params["field"]] = digits
        return "success"


class SetField(Action):
    name = "t_set"
    title = "Set field (test)"
    params = (Param("field", "field", required=True), Param("value", "text", required=True))
    fixed_exits = ("next",)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        call.profile[params["field"]] = params["value"]
        return "next"


class Check(Action):
    name = "t_check"
    title = "Check a field (test)"
    params = (Param("field", "field", required=True), Param("value", "text", default=""))
    fixed_exits = ("true", "false")

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        return "true" if call.profile.get(params["field"], "") == self.param(params, "value") else "false"


class Boom(Action):
    name = "t_boom"
    title = "Raise (test)"
    params = (Param("message", "text", default="it broke"),)
    fixed_exits = ("next",)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        raise RuntimeError(self.param(params, "message"))


class Sleep(Action):
    """Sleeps `seconds` (real time) under a deadline of `deadline` seconds."""

    name = "t_sleep"
    title = "Sleep (test)"
    params = (Param("seconds", "float", default=10.0), Param("deadline", "float", default=0.05))
    fixed_exits = ("next",)
    interacts = True

    def deadline(self, params: Mapping[str, Any]) -> float:
        return float(self.param(params, "deadline"))

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        await asyncio.sleep(float(self.param(params, "seconds")))
        return "next"


class Answer(Action):
    """Returns whatever `answer` says (possibly an exit the node does not wire)."""

    name = "t_answer"
    title = "Answer (test)"
    params = (Param("answer", "json", required=True),)
    fixed_exits = ("next",)
    interacts = True

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> Any:
        return params["answer"]


class Queue(Action):
    name = "t_queue"
    title = "Queue (test)"
    params = (Param("service", "service", required=True),)
    fixed_exits = ("not_queued",)
    interacts = True

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        call.profile["Service"] = params["service"]
        answer = await call.acd.queue_to_service(call.call_id, params["service"], dict(call.profile))
        if answer != "queued":
            return "not_queued"
        call.outcome = "queued"
        call.destination = params["service"]
        return "queued"


class HangUp(Action):
    name = "t_hangup"
    title = "Hang up (test)"
    interacts = True

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        await call.media.hangup()
        call.outcome = "hung_up"
        return "done"


class Sub(Action):
    name = "t_sub"
    title = "Subscript (test)"
    params = (Param("script", "script", required=True),)
    fixed_exits = ("returned",)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        assert call.run_subscript is not None
        await call.run_subscript(params["script"])
        return "returned"


class Sql(Action):
    name = "t_sql"
    title = "SQL (test)"
    params = (Param("connection", "connection", required=True), Param("statement", "sql", required=True))
    fixed_exits = ("success",)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        await call.sql.execute(params["connection"], params["statement"], dict(call.profile))
        return "success"


class Kinds(Action):
    """One parameter of each remaining kind, for the type checks."""

    name = "t_kinds"
    title = "Kinds (test)"
    params = (
        Param("count", "int"),
        Param("seconds", "float"),
        Param("flag", "bool"),
        Param("mode", "choice", choices=("fast", "slow")),
        Param("text", "text"),
        Param("data", "json"),
        Param("prompt", "prompt"),
    )
    fixed_exits = ("next",)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        return "next"


class Checked(Action):
    """Its own check(): scripts.E050 when `x` is "bad"; raises when `x` is "raise"; exits from `outs`."""

    name = "t_checked"
    title = "Checked (test)"
    params = (Param("x", "text", default=""), Param("outs", "json", default=["next"]))

    def exits(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(self.param(params, "outs"))

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        if node.params.get("x") == "raise":
            raise KeyError("x")
        if node.params.get("x") == "bad":
            return [Problem("scripts.E050", "x must not be 'bad'; change it.", node.id, "x")]
        return []

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        return "next"


TEST_ACTIONS = (Say, Ask, SetField, Check, Boom, Sleep, Answer, Queue, HangUp, Sub, Sql, Kinds, Checked)
