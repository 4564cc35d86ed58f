"""The script validator: every problem of a graph as a Problem with a stable id, never an exception.

Like Django's system checks: a draft may be saved with its errors listed; publishing needs none.

    scripts.E001  malformed graph JSON (the message names the path of the bad element)
    scripts.E002  the start node does not exist
    scripts.E003  unknown action (the closest action names are suggested)
    scripts.E004  a required parameter is missing
    scripts.E005  a parameter the action does not have
    scripts.E006  a parameter value of the wrong type or kind (number, bool, digits, regex, choice, ...)
    scripts.E007  an exit the action has that the node does not wire (wire it to a node, or null to end)
    scripts.E008  an exit leads to a node that does not exist
    scripts.E009  an exit the action does not have (every action may also wire "failure")
    scripts.E010  a node no path from the start reaches
    scripts.E011  unknown call profile field
    scripts.E012  unknown Database Connection
    scripts.E013  invalid SQL (the SQL issue id, line and column are in the message)
    scripts.E014  unknown service
    scripts.E015  unknown published script (Subscript)
    scripts.E016  subscript cycle: this script reaches itself through the scripts it calls
    scripts.E017  a loop in which no action interacts with the caller (it would spin until the step budget)
    scripts.E018  unknown prompt (checked only when the environment lists prompts)
    scripts.E019  the action could not check the node (its check() or exits() raised on these parameters)
    scripts.E050 and up: the actions' own check() results
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.engine.actions import ACTIONS, FAILURE, Action, ValidationEnv, get_action
from scripts_app.engine.graph import Graph, GraphFormatError, Node, parse_graph
from scripts_app.engine.validate_flow import busy_loops, script_refs, subscript_cycle
from scripts_app.engine.validate_params import check_apology, check_params, closest

__all__ = ["validate_graph_json", "validate_script"]


def validate_graph_json(data: Any, env: ValidationEnv, *, name: str = "") -> list[Problem]:
    """The errors of a graph in its JSON form (decoded); malformed JSON gives one scripts.E001 with its path."""
    try:
        graph = parse_graph(data)
    except GraphFormatError as exc:
        where = f"at '{exc.path}'" if exc.path else "at the top level"
        return [Problem("scripts.E001", f"The graph is malformed {where}: {exc.message}; fix that element.")]
    return validate_script(graph, env, name=name)


def validate_script(graph: Graph, env: ValidationEnv, *, name: str = "") -> list[Problem]:
    """Every problem of `graph`, ordered by node (graph-level errors first), then by id. Never raises.

    `name` is the script's own name: with it, Subscript cycles back to this script are found (E016).
    """
    try:
        errors = _validate(graph, env, name)
    except Exception as exc:  # a bug here must not turn a save into a server error
        errors = [Problem("scripts.E001", f"The graph could not be checked ({exc!r}); fix its structure.")]
    order = {node_id: index for index, node_id in enumerate(graph.nodes)} if _is_mapping(graph) else {}
    return sorted(errors, key=lambda e: (-1 if e.node is None else order.get(e.node, len(order)), e.id))


def _is_mapping(graph: Graph) -> bool:
    return isinstance(getattr(graph, "nodes", None), Mapping)


def _validate(graph: Graph, env: ValidationEnv, name: str) -> list[Problem]:
    errors: list[Problem] = []
    if graph.start not in graph.nodes:
        hint = closest(graph.start, graph.nodes, what="node")
        errors.append(Problem("scripts.E002", f"The start node '{graph.start}' does not exist; {hint}."))
    errors.extend(check_apology(graph.apology_prompt, env))
    actions: dict[str, Action] = {}
    for node in graph.nodes.values():
        action = get_action(node.action)
        errors.extend(_check_exit_targets(node, graph))
        if action is None:
            hint = closest(node.action, ACTIONS, what="action")
            errors.append(Problem("scripts.E003", f"Unknown action '{node.action}'; {hint}.", node.id, None))
            continue
        actions[node.id] = action
        errors.extend(_check_node(node, action, env))
    errors.extend(_unreachable(graph))
    for node_ids in busy_loops(graph, actions):
        loop = ", ".join(node_ids)
        msg = (
            f"The loop through {loop} never plays to or listens to the caller and would spin until the step budget; "
            "add an interacting action (Play Prompt, Get Digits, Menu, ...) to it or give it a way out."
        )
        errors.append(Problem("scripts.E017", msg, node_ids[0], None))
    if name:
        errors.extend(_subscript_cycles(graph, actions, env, name))
    return errors


def _check_node(node: Node, action: Action, env: ValidationEnv) -> list[Problem]:
    errors = check_params(node, action, env)
    try:
        declared = tuple(action.exits(node.params))
    except Exception as exc:
        declared = None
        errors.append(_uncheckable(node, action, "exits", exc))
    if declared is not None:
        for exit_name in declared:
            if exit_name not in node.exits:
                msg = f"Exit '{exit_name}' of '{action.name}' is not wired; connect it to a node, or to null to end."
                errors.append(Problem("scripts.E007", msg, node.id, exit_name))
        for exit_name in node.exits:
            if exit_name != FAILURE and exit_name not in declared:
                known = ", ".join([*declared, FAILURE])
                msg = f"Action '{action.name}' has no exit '{exit_name}'; remove it (its exits: {known})."
                errors.append(Problem("scripts.E009", msg, node.id, exit_name))
    try:
        errors.extend(action.check(node, env))
    except Exception as exc:
        errors.append(_uncheckable(node, action, "check", exc))
    return errors


def _uncheckable(node: Node, action: Action, what: str, exc: Exception) -> Problem:
    msg = f"Action '{action.name}' could not check this node ({what}: {exc!r}); correct its parameters."
    return Problem("scripts.E019", msg, node.id, None)


def _check_exit_targets(node: Node, graph: Graph) -> list[Problem]:
    return [
        Problem(
            "scripts.E008",
            f"Exit '{exit_name}' leads to node '{target}', which does not exist; "
            f"{closest(target, graph.nodes, what='node')}.",
            node.id,
            exit_name,
        )
        for exit_name, target in node.exits.items()
        if target is not None and target not in graph.nodes
    ]


def _unreachable(graph: Graph) -> list[Problem]:
    if graph.start not in graph.nodes:
        return []  # E002 already; every node would be "unreachable"
    seen = {graph.start}
    pending = [graph.start]
    while pending:
        for target in graph.nodes[pending.pop()].exits.values():
            if target is not None and target in graph.nodes and target not in seen:
                seen.add(target)
                pending.append(target)
    return [
        Problem(
            "scripts.E010",
            f"No path from the start reaches node '{node_id}'; wire an exit to it or delete it.",
            node_id,
            None,
        )
        for node_id in graph.nodes
        if node_id not in seen
    ]


def _subscript_cycles(graph: Graph, actions: Mapping[str, Action], env: ValidationEnv, name: str) -> list[Problem]:
    errors = []
    for node_id, param, called in script_refs(graph, actions):
        path = subscript_cycle(name, called, env.scripts)
        if path is not None:
            msg = (
                f"Subscript cycle {' → '.join(path)}: the script would call itself until the depth limit; "
                "break the cycle."
            )
            errors.append(Problem("scripts.E016", msg, node_id, param))
    return errors
