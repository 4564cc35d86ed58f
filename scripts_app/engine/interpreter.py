"""Running a script graph on a call: one action at a time, every step recorded, never a silent drop.

- Each action runs under its own deadline (`Action.deadline`). An action that raises or passes its
  deadline takes the node's "failure" exit when the node wires one; otherwise the script-level fallback
  runs. So does an exit the node does not wire, an unknown action, a missing node, and a run longer
  than the step budget.
- The fallback stops music on hold, plays the graph's apology prompt, then queues the caller to the
  IRN's fallback service; with no fallback service, or when queuing fails, it hangs up. Its port calls
  are guarded: the fallback itself never raises.
- An exit wired to null ends the script: the call is hung up (outcome "completed"), unless an action
  already handed the caller over (queued, transferred, hung up): only those actions end the call.
- Subscript runs another graph on the same call through `call.run_subscript`, sharing the step budget.

`run_script` returns the outcome and raises nothing but asyncio.CancelledError (the caller hung up).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from scripts_app.engine.actions import FAILURE, Action, get_action
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Graph, parse_graph
from scripts_app.engine.trace import Step

__all__ = ["MAX_DEPTH", "OUTCOMES", "RETURNED", "SubscriptError", "run_script"]

OUTCOMES = ("queued", "transferred", "hung_up", "completed", "fallback")
#: what call.run_subscript returns when the subscript reached an end and the caller is still here
RETURNED = "returned"
#: how deeply Subscript may nest (the main script is depth 0)
MAX_DEPTH = 8
#: seconds each port call of the fallback may take (the apology prompt gets longer)
PORT_DEADLINE = 10.0
APOLOGY_DEADLINE = 30.0

T = TypeVar("T")


class SubscriptError(RuntimeError):
    """Subscript cannot run (nested too deeply, unknown script): the Subscript node takes its failure exit."""


async def run_script(
    graph: Graph, call: CallContext, *, step_budget: int = 500, name: str = "", hand_back: bool = False
) -> str:
    """Run `graph` on `call` to its end and return the outcome (see OUTCOMES); the trace is in call.trace.

    `hand_back`: the script runs for a caller who stays where they are when it ends — the IVR application
    of the service they wait in. An exit wired to null then returns RETURNED instead of hanging up, and a
    failure without a failure exit is recorded and returns RETURNED too (no apology, no fallback service):
    the caller keeps their place in the queue."""
    if call.outcome is not None:
        return call.outcome
    run = _Run(call, step_budget, graph)
    run.hand_back = hand_back
    previous_hook = call.run_subscript
    call.run_subscript = run.subscript
    try:
        return await run.graph(graph, name, top=not hand_back)
    except Exception as exc:  # a defect of the engine itself still must not drop the caller
        if call.outcome is not None:
            return call.outcome
        return await run.fallback(graph, name, "", f"internal error: {exc!r}")
    finally:
        call.run_subscript = previous_hook


class _Run:
    """The state shared by a script and its subscripts: the step budget and the clock."""

    def __init__(self, call: CallContext, step_budget: int, main: Graph) -> None:
        self.call = call
        self.budget = step_budget
        self.steps = 0
        self.main = main
        self.started = time.perf_counter()
        self.hand_back = False

    def ms(self, moment: float | None = None) -> float:
        return ((time.perf_counter() if moment is None else moment) - self.started) * 1000.0

    async def graph(self, graph: Graph, name: str, *, top: bool) -> str:
        """Run `graph` until it ends: the outcome, or RETURNED when a subscript reaches an end."""
        call = self.call
        node_id = graph.start
        while True:
            node = graph.nodes.get(node_id)
            if node is None:
                return await self.fallback(graph, name, node_id, f"node '{node_id}' does not exist")
            if self.steps >= self.budget:
                return await self.fallback(graph, name, node.id, "step budget exceeded")
            self.steps += 1
            action = get_action(node.action)
            if action is None:
                self._record_unknown(node.id, node.action, name)
                return await self.fallback(graph, name, node.id, f"unknown action '{node.action}'")
            exit_name, error = await self._step(node.id, action, node.params, name)
            if call.ended:
                return str(call.outcome)
            if exit_name is None:
                if FAILURE not in node.exits:
                    return await self.fallback(graph, name, node.id, f"{error}; the node has no failure exit")
                exit_name = FAILURE
            if exit_name not in node.exits:
                return await self.fallback(graph, name, node.id, f"exit '{exit_name}' is not wired")
            target = node.exits[exit_name]
            if target is None:
                return await self._end(top)
            node_id = target

    async def _step(self, node_id: str, action: Action, params: Mapping[str, Any], name: str) -> tuple[str | None, str]:
        """Run one action and record it: (the exit it returned, or None and the error)."""
        call = self.call
        started = time.perf_counter()
        step = Step(node_id, action.name, None, self.ms(started), 0.0, script=name)
        call.trace.append(step)  # before running: a subscript's steps follow the step that called it
        before = _snapshot(call)
        seconds = 0.0
        try:
            seconds = _deadline(action, params)
            result = await asyncio.wait_for(action.run(call, params), seconds)
            if isinstance(result, str):
                step.exit = result
            else:
                step.error = f"the action returned {result!r}, not an exit name"
        except asyncio.CancelledError:
            step.error = "cancelled"
            raise
        except TimeoutError:
            step.error = f"no answer within the deadline of {seconds:g} s"
        except Exception as exc:
            step.error = _describe(exc)
        finally:
            step.duration_ms = (time.perf_counter() - started) * 1000.0
            step.changes = _changes(before, call.profile)
        return step.exit, step.error

    def _record_unknown(self, node_id: str, action: str, name: str) -> None:
        error = f"unknown action '{action}'"
        self.call.trace.append(Step(node_id, action, None, self.ms(), 0.0, error=error, script=name))

    async def _end(self, top: bool) -> str:
        """An exit wired to null: a subscript returns to its caller; the main script hangs up."""
        if not top:
            return RETURNED
        call = self.call
        await _guarded(lambda: call.media.hangup(), PORT_DEADLINE)
        call.outcome = "completed"
        return "completed"

    async def fallback(self, graph: Graph, name: str, node_id: str, reason: str) -> str:
        """Apology, then the fallback service (or hang up); recorded as a step "fallback". Never raises.
        A hand-back run records the failure and returns RETURNED: the caller keeps their place."""
        call = self.call
        started = time.perf_counter()
        step = Step(node_id, "fallback", None, self.ms(started), 0.0, error=reason, script=name)
        call.trace.append(step)
        if self.hand_back:
            step.exit = RETURNED
            return RETURNED
        before = _snapshot(call)
        await _guarded(lambda: call.media.stop_music_on_hold(), PORT_DEADLINE)
        apology = getattr(graph, "apology_prompt", None) or getattr(self.main, "apology_prompt", None)
        if apology:
            await _guarded(lambda: call.media.play([apology], language=_language(call)), APOLOGY_DEADLINE)
        service = call.fallback_service
        answer = None
        if service:
            previous = _snapshot(call).get("Service")
            _set_profile(call, "Service", service)
            answer = await _guarded(
                lambda: call.acd.queue_to_service(call.call_id, service, _snapshot(call)), PORT_DEADLINE
            )
            if answer != "queued":
                _set_profile(call, "Service", previous)
        if answer == "queued":
            call.destination = str(service)
            step.exit = "queued"
        else:
            if service:
                step.error += f"; queuing to '{service}' failed ({answer or 'no answer'})"
            await _guarded(lambda: call.media.hangup(), PORT_DEADLINE)
            step.exit = "hung_up"
        call.outcome = "fallback"
        step.duration_ms = (time.perf_counter() - started) * 1000.0
        step.changes = _changes(before, _snapshot(call))
        return "fallback"

    async def subscript(self, target: object) -> str:
        """call.run_subscript: run another graph on this call; RETURNED, or the outcome if the call ended.

        `target` is a published script's name (loaded through call.scripts) or a (name, Graph) pair; the
        name labels the subscript's steps in the trace. Raises SubscriptError beyond MAX_DEPTH or for an
        unknown script.
        """
        call = self.call
        if call.depth >= MAX_DEPTH:
            raise SubscriptError(f"subscripts nest deeper than {MAX_DEPTH} levels")
        name, graph = self._resolve(target)
        call.depth += 1
        try:
            return await self.graph(graph, name, top=False)
        finally:
            call.depth -= 1

    def _resolve(self, target: object) -> tuple[str, Graph]:
        if isinstance(target, str):
            loaded = self.call.scripts.load(target) if self.call.scripts is not None else None
            if loaded is None:
                raise SubscriptError(f"no published script '{target}'")
            return target, _as_graph(loaded)
        if isinstance(target, tuple) and len(target) == 2 and isinstance(target[0], str):
            return target[0], _as_graph(target[1])
        raise SubscriptError(f"a subscript is a script name or a (name, graph) pair, not {type(target).__name__}")


def _as_graph(value: object) -> Graph:
    if isinstance(value, Graph):
        return value
    if isinstance(value, dict):
        return parse_graph(value)
    raise SubscriptError(f"not a script graph: {type(value).__name__}")


def _deadline(action: Action, params: Mapping[str, Any]) -> float:
    seconds = float(action.deadline(params))
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"action '{action.name}' gave an invalid deadline: {seconds!r}")
    return seconds


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _changes(before: Mapping[str, Any], after: Any) -> dict[str, tuple[str, str]]:
    """field -> (before, after) for every field whose text changed ("" for a field that was not there)."""
    if not isinstance(after, Mapping):
        return {}
    changes = {}
    for key in sorted(set(before) | set(after), key=str):
        old, new = _text(before.get(key)), _text(after.get(key))
        if old != new:
            changes[str(key)] = (old, new)
    return changes


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _snapshot(call: CallContext) -> dict[str, Any]:
    return dict(call.profile) if isinstance(call.profile, Mapping) else {}


def _set_profile(call: CallContext, field: str, value: str | None) -> None:
    if not isinstance(call.profile, dict):
        return
    if value is None:
        call.profile.pop(field, None)
    else:
        call.profile[field] = value


def _language(call: CallContext) -> int:
    try:
        return call.language
    except Exception:
        return 0


async def _guarded(port_call: Callable[[], Awaitable[T]], seconds: float) -> T | None:
    """The port call's result, or None when it raised or took longer than `seconds` (cancellation passes)."""
    try:
        return await asyncio.wait_for(port_call(), seconds)
    except Exception:
        return None
