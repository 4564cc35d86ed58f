"""Many call and agent events in one script call (the EVENTS script): see AcdBatch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from acd.engine.errors import AcdError, from_redis_message
from acd.engine.results import Removal, encode_skills, enqueue_result
from acd.engine.results import decode_str as _s

if TYPE_CHECKING:
    from acd.engine.engine import AcdEngine


class AcdBatch:
    """Events run in one script call, in order, each atomic on its own (a refused one changes
    nothing and gives its typed error in its place; the others go on).

    For a process that owns many calls: the events of the same moment (calls arriving, agents
    ready, answers) cost one round trip and one script start instead of one each. execute()
    returns one result per event, as the single methods return them (or the exception).
    """

    def __init__(self, engine: AcdEngine) -> None:
        self.engine = engine
        self.args: list[Any] = []
        self.decoders: list[Any] = []

    def __len__(self) -> int:
        return len(self.decoders)

    def _add(self, name: str, args: list[Any], decode: Any) -> AcdBatch:
        self.args += [name, len(args), *args]
        self.decoders.append(decode)
        return self

    def enqueue(
        self,
        call_id: str,
        service: str,
        *,
        priority: int = 0,
        skills: Mapping[str, int] | None = None,
        owner: str = "",
        agent_queue: str = "",
    ) -> AcdBatch:
        skills_json = encode_skills(skills)
        return self._add("enqueue", [call_id, service, priority, skills_json, owner, agent_queue], enqueue_result)

    def ready(self, agent: str) -> AcdBatch:
        return self._add("agent", ["ready", agent, "", ""], lambda r: _s(r) or None)

    def release(self, agent: str, code: str = "") -> AcdBatch:
        return self._add("agent", ["release", agent, code, ""], lambda r: None)

    def ringing(self, call_id: str, agent: str) -> AcdBatch:
        return self._add("call", [call_id, agent, "ringing", ""], lambda r: None)

    def answered(self, call_id: str, agent: str) -> AcdBatch:
        return self._add("call", [call_id, agent, "answered", ""], lambda r: None)

    def end_call(self, agent: str, *, wrap_up: bool = False) -> AcdBatch:
        return self._add("end", [agent, "wrap_up" if wrap_up else "available"], lambda r: _s(r) or None)

    def hangup(self, call_id: str, *, abandon_to: str = "") -> AcdBatch:
        return self._add(
            "hangup",
            [call_id, abandon_to, ""],
            lambda r: Removal(int(r[0]), int(r[1]) / 1000, _s(r[2]), _s(r[3])),
        )

    def execute(self) -> list[Any]:
        if not self.decoders:
            return []
        res = self.engine._run(self.engine._events, *self.args)
        out: list[Any] = []
        for raw, decode in zip(res, self.decoders, strict=True):
            text = _s(raw)
            if isinstance(text, str) and text.startswith("!"):
                out.append(from_redis_message(text[1:]) or AcdError(text[1:]))
            else:
                out.append(decode(raw))
        self.args, self.decoders = [], []
        return out
