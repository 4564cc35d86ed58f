"""Typed ACD errors: the REST layer maps InvalidTransition to HTTP 409 with `reason`."""

from __future__ import annotations


class AcdError(Exception):
    """An ACD operation refused; `code` is stable (e.g. 'invalid_transition'), `reason` is for people."""

    code = "acd_error"

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if code:
            self.code = code


class InvalidTransition(AcdError):
    code = "invalid_transition"


class UnknownAgent(AcdError):
    code = "unknown_agent"


class UnknownCall(AcdError):
    code = "unknown_call"


class DuplicateCall(AcdError):
    code = "duplicate_call"


_BY_CODE: dict[str, type[AcdError]] = {
    cls.code: cls for cls in (InvalidTransition, UnknownAgent, UnknownCall, DuplicateCall)
}


def from_redis_message(message: str) -> AcdError | None:
    """'ACD <code> <reason> script: …' from a Lua error -> the typed error, or None if not ours."""
    idx = message.find("ACD ")
    if idx < 0:
        return None
    code, _, rest = message[idx + 4 :].partition(" ")
    reason = rest.split(" script: ")[0]
    return _BY_CODE.get(code, AcdError)(reason, code)
