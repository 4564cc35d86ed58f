"""Transfer: send the caller to an extension, an outside number or an IRN."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import E_TARGET, ActionFailed, error, interpolate, references, unknown_references
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node

TRANSFERRED = "transferred"
KINDS = ("extension", "number", "irn")
_SEPARATORS = re.compile(r"[\s\-().]")
_VALID = {
    "extension": re.compile(r"\d+|sips?:\S+"),  # an extension number or a SIP URI
    "number": re.compile(r"\+?\d+"),
    "irn": re.compile(r"\d+"),
}
_EXAMPLES = {"extension": "1001 or sip:1001@pbx", "number": "+15551234567", "irn": "5002"}


def normalise(kind: str, target: str) -> str:
    """A number without spaces, dashes, dots or brackets; other kinds trimmed."""
    target = target.strip()
    return _SEPARATORS.sub("", target) if kind in ("number", "irn") else target


@register
class Transfer(Action):
    name = "transfer"
    title = "Transfer"
    doc = (
        "Blind-transfers the caller to an extension (number or SIP URI), an outside number, or an IRN "
        "(its dial number: the call enters routing again). The target may refer to profile fields as "
        "%Field%, e.g. %Agent Extension%. The script ends once the transfer succeeds. Exits: "
        "transferred; failure (optional exit: the target is empty or the transfer was refused)."
    )
    params = (
        Param("kind", "choice", default="extension", choices=KINDS, doc="extension, number or irn."),
        Param("target", "text", required=True, doc="Where to, e.g. 1001, +15551234567, 5002 or %Agent Extension%."),
    )
    fixed_exits = (TRANSFERRED,)

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        kind, target = node.params.get("kind", "extension"), node.params.get("target")
        if not isinstance(target, str) or kind not in KINDS:
            return []  # missing or wrong type: the generic checks say so
        errors = unknown_references(node, "target", target, env.field_types)
        if not references(target) and not _VALID[kind].fullmatch(normalise(kind, target)):
            errors.append(
                error(E_TARGET, node, f"'{target}' is not a valid {kind}; write e.g. {_EXAMPLES[kind]}.", "target")
            )
        return errors

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        kind = self.param(params, "kind")
        if kind not in KINDS:
            raise ActionFailed(f"Transfer kind {kind!r} is not one of {', '.join(KINDS)}.")
        raw = self.param(params, "target")
        if not isinstance(raw, str):
            raise ActionFailed("Transfer has no target.")
        target = normalise(kind, interpolate(raw, call.profile, call.field_types))
        if not target:
            raise ActionFailed(f"The transfer target {raw!r} is empty for this call.")
        if not await call.media.transfer(target):
            raise ActionFailed(f"The transfer to {target} failed.")
        call.outcome = "transferred"
        call.destination = target
        return TRANSFERRED
