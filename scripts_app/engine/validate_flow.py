"""Flow checks of the validator: busy loops inside a graph, Subscript cycles across scripts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scripts_app.engine.actions import Action, get_action
from scripts_app.engine.graph import Graph, GraphFormatError, parse_graph


def busy_loops(graph: Graph, actions: Mapping[str, Action]) -> list[list[str]]:
    """The loops none of whose nodes interacts with the caller, each as its node ids in graph order.

    A loop without interaction lies wholly among the non-interacting nodes, so these are the strongly
    connected components (with more than one node, or a node wired to itself) of that subgraph. Nodes
    whose action is unknown are left out: they are reported as unknown already.
    """
    quiet = [node_id for node_id in graph.nodes if node_id in actions and not actions[node_id].interacts]
    members = set(quiet)
    edges = {
        node_id: [t for t in graph.nodes[node_id].exits.values() if t is not None and t in members] for node_id in quiet
    }
    order = {node_id: index for index, node_id in enumerate(graph.nodes)}
    loops = []
    for component in _components(quiet, edges):
        if len(component) > 1 or component[0] in edges[component[0]]:
            loops.append(sorted(component, key=order.__getitem__))
    return sorted(loops, key=lambda loop: order[loop[0]])


def _components(vertices: list[str], edges: Mapping[str, list[str]]) -> Iterator[list[str]]:
    """Tarjan's strongly connected components, iteratively (graphs may be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in vertices:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            vertex, next_edge = work.pop()
            if next_edge == 0:
                index[vertex] = low[vertex] = len(index)
                stack.append(vertex)
                on_stack.add(vertex)
            successors = edges[vertex]
            if next_edge < len(successors):
                work.append((vertex, next_edge + 1))
                target = successors[next_edge]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[vertex] = min(low[vertex], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[vertex])
            if low[vertex] == index[vertex]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == vertex:
                        break
                yield component


def script_refs(graph: Graph, actions: Mapping[str, Action] | None = None) -> list[tuple[str, str, str]]:
    """(node id, parameter, script name) for every parameter of kind "script" in `graph`."""
    refs = []
    for node in graph.nodes.values():
        action = actions.get(node.id) if actions is not None else get_action(node.action)
        if action is None:
            continue
        for param in action.params:
            value = node.params.get(param.name)
            if param.kind == "script" and isinstance(value, str) and value:
                refs.append((node.id, param.name, value))
    return refs


def subscript_cycle(name: str, called: str, scripts: Mapping[str, Any]) -> list[str] | None:
    """The path name → called → … → name when script `called` leads back to `name`, else None.

    `scripts` maps published script names to their graphs (Graph, or JSON); the published version of
    `name` itself is not followed: the graph being validated replaces it.
    """
    parents: dict[str, str] = {called: name}
    pending = [called]
    while pending:
        current = pending.pop()
        if current == name:
            path = [name]
            step = parents[name]
            while step != name:
                path.append(step)
                step = parents[step]
            return [name, *reversed(path[1:]), name]
        graph = _as_graph(scripts.get(current))
        if graph is None:
            continue
        for _node, _param, target in script_refs(graph):
            if target not in parents:
                parents[target] = current
                pending.append(target)
    return None


def _as_graph(value: Any) -> Graph | None:
    if isinstance(value, Graph):
        return value
    if isinstance(value, dict):
        try:
            return parse_graph(value)
        except GraphFormatError:
            return None
    return None
