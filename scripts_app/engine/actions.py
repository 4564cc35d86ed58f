"""The action API: each action (one module in scripts_app/actions/) declares its parameters and exits.

An action's `run` returns the name of the exit taken. Every action may also have a "failure" exit:
when it raises, the interpreter takes "failure" if the node wires it, else the script-level fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from core.problems import Problem
from scripts_app.engine.graph import Node

if TYPE_CHECKING:
    from scripts_app.engine.context import CallContext

FAILURE = "failure"

#: Parameter kinds the validator understands (type and reference checks).
PARAM_KINDS = (
    "text",  # any string
    "int",  # integer (ints, or strings of digits)
    "float",  # number of seconds etc.
    "bool",
    "field",  # a call profile field name
    "prompt",  # one prompt name
    "prompts",  # a list of prompt names
    "digits",  # DTMF characters 0-9 * #
    "regex",  # a Python regular expression
    "connection",  # a Database Connection name
    "sql",  # a SQL statement (checked against the node's "connection" parameter)
    "service",  # a Service name
    "script",  # a published Script name
    "choice",  # one of Param.choices
    "json",  # structured (conditions, assignments, schedule, cases): the action's check() validates it
)


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = False
    default: Any = None
    doc: str = ""
    choices: tuple[str, ...] = ()


@dataclass
class ValidationEnv:
    """What a graph may refer to; built from the database by the Django layer, or by hand in tests."""

    field_types: Mapping[str, str] = field(default_factory=dict)
    #: Database Connection name -> database type ("mysql", "postgresql", "sqlite", "mssql", ...)
    connections: Mapping[str, str] = field(default_factory=dict)
    services: Collection[str] = ()
    #: published script name -> its graph (for Subscript: existence and cycles)
    scripts: Mapping[str, Any] = field(default_factory=dict)
    #: known prompt names; None: prompts are not checked
    prompts: Collection[str] | None = None
    #: (statement, database_type, select_only) -> SQL issues (scripts_app.sql.gateway.check_statement)
    check_sql: Callable[[str, str, bool], list[Problem]] | None = None


class Action:
    name: ClassVar[str]  # the graph's "action" value, e.g. "get_digits"
    title: ClassVar[str]  # the guide's name, e.g. "Get Digits"
    doc: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    fixed_exits: ClassVar[tuple[str, ...]] = ()
    #: plays to or listens to the caller (a loop through such a node is not a busy loop)
    interacts: ClassVar[bool] = False

    def exits(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        """The exits a node with these parameters must wire (besides the optional "failure")."""
        return self.fixed_exits

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        """Checks beyond the generic parameter checks (structured parameters, combinations)."""
        return []

    def deadline(self, params: Mapping[str, Any]) -> float:
        """Seconds this action may take before the interpreter gives up on it."""
        return 60.0

    def param(self, params: Mapping[str, Any], name: str) -> Any:
        """The parameter's value, or its declared default."""
        if name in params:
            return params[name]
        return next(p.default for p in self.params if p.name == name)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        raise NotImplementedError


ACTIONS: dict[str, Action] = {}


def register(cls: type[Action]) -> type[Action]:
    if cls.name in ACTIONS:
        raise ValueError(f"action '{cls.name}' is registered twice")
    ACTIONS[cls.name] = cls()
    return cls


def get_action(name: str) -> Action | None:
    if not ACTIONS:
        import scripts_app.actions  # noqa: F401  (registers every action)
    return ACTIONS.get(name)
