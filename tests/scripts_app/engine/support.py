"""Small builders for engine tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from core.problems import Problem
from scripts_app.engine.graph import Graph, parse_graph

T = TypeVar("T")


def node(node_id: str, action: str, exits: dict[str, str | None] | None = None, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "action": action, "params": params, "exits": exits or {}}


def graph(*nodes: dict[str, Any], start: str | None = None, apology: str | None = None) -> Graph:
    data: dict[str, Any] = {"start": start or nodes[0]["id"], "nodes": list(nodes)}
    if apology:
        data["apology_prompt"] = apology
    return parse_graph(data)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def ids(errors: list[Problem]) -> list[str]:
    return [e.id for e in errors]


def only(errors: list[Problem], error_id: str) -> list[Problem]:
    return [e for e in errors if e.id == error_id]


def say(node_id: str = "hello", nxt: str | None = None, **params: Any) -> dict[str, Any]:
    """A t_say node (the test actions' prompt player) going to `nxt`."""
    return node(node_id, "t_say", {"next": nxt}, prompts=params.pop("prompts", ["welcome"]), **params)
