"""A script graph: nodes with an action, parameters and exits that name other nodes.

JSON form (what the API, import/export and the Director's editor exchange):

    {"start": "ask_id",
     "apology_prompt": "sorry",                       # optional: played before the fallback
     "nodes": [
        {"id": "ask_id", "action": "get_digits",
         "params": {"prompt": ["enter_customer_id"], "field": "Customer ID", "max_digits": 6},
         "exits": {"success": "lookup", "timeout": "agent", "invalid": "agent"}},
        ...]}

An exit mapped to null ends the script there (the call is hung up); a missing exit is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


class GraphFormatError(ValueError):
    """Malformed graph JSON; `path` points at the bad element, e.g. "nodes[2].exits.success"."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Node:
    id: str
    action: str
    params: Mapping[str, Any] = field(default_factory=dict)
    exits: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Graph:
    start: str
    nodes: Mapping[str, Node]
    apology_prompt: str | None = None

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "start": self.start,
            "nodes": [
                {"id": n.id, "action": n.action, "params": dict(n.params), "exits": dict(n.exits)}
                for n in self.nodes.values()
            ],
        }
        if self.apology_prompt:
            data["apology_prompt"] = self.apology_prompt
        return data


def parse_graph(data: Any) -> Graph:
    """The Graph of `data` (decoded JSON); raises GraphFormatError naming the path of the first bad element.

    Only the shape is checked here; what the actions and exits mean is the validator's job.
    """
    if not isinstance(data, dict):
        raise GraphFormatError("", "a script graph is a JSON object with 'start' and 'nodes'")
    unknown = set(data) - {"start", "nodes", "apology_prompt"}
    if unknown:
        raise GraphFormatError(sorted(unknown)[0], "unknown key (allowed: start, nodes, apology_prompt)")
    nodes_data = data.get("nodes")
    if not isinstance(nodes_data, list) or not nodes_data:
        raise GraphFormatError("nodes", "must be a non-empty list of nodes")
    nodes: dict[str, Node] = {}
    for index, raw in enumerate(nodes_data):
        node = _parse_node(raw, f"nodes[{index}]")
        if node.id in nodes:
            raise GraphFormatError(f"nodes[{index}].id", f"'{node.id}' is used by another node")
        nodes[node.id] = node
    start = data.get("start")
    if not isinstance(start, str) or not start:
        raise GraphFormatError("start", "must name the first node")
    apology = data.get("apology_prompt")
    if apology is not None and not isinstance(apology, str):
        raise GraphFormatError("apology_prompt", "must be a prompt name")
    return Graph(start=start, nodes=nodes, apology_prompt=apology or None)


def _parse_node(raw: Any, path: str) -> Node:
    if not isinstance(raw, dict):
        raise GraphFormatError(path, "a node is an object with id, action, params and exits")
    unknown = set(raw) - {"id", "action", "params", "exits"}
    if unknown:
        raise GraphFormatError(f"{path}.{sorted(unknown)[0]}", "unknown key")
    node_id = raw.get("id")
    if not isinstance(node_id, str) or not node_id or not set(node_id) <= ID_CHARS:
        raise GraphFormatError(f"{path}.id", "must be letters, digits, '_', '-' or '.'")
    action = raw.get("action")
    if not isinstance(action, str) or not action:
        raise GraphFormatError(f"{path}.action", "must name an action, e.g. 'get_digits'")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise GraphFormatError(f"{path}.params", "must be an object")
    exits = raw.get("exits", {})
    if not isinstance(exits, dict):
        raise GraphFormatError(f"{path}.exits", "must be an object mapping exit names to node ids (or null)")
    for name, target in exits.items():
        if target is not None and not isinstance(target, str):
            raise GraphFormatError(f"{path}.exits.{name}", "must be a node id or null")
    return Node(id=node_id, action=action, params=dict(params), exits=dict(exits))
