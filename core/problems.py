"""`Problem`: one thing wrong with what a person wrote (a script graph, a SQL statement, later a dial-list row),
as a value with a stable id, never an exception. Plain Python: the plain cores use it.

Like Django's system checks (`admin.E012`): the id never changes meaning, the message is a sentence that
names the fix, `where` says what to look at (a node and its parameter, a line and column), `hint` adds what
to do when the message alone cannot say it, `level` is "error" (refused) or "warning" (allowed, shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    id: str
    message: str
    node: str | None = None
    param: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str = ""
    level: Level = "error"

    def __str__(self) -> str:
        return f"{self.id}{self.where}: {self.message}"

    @property
    def where(self) -> str:
        """' [node.param]', ' (line 2, column 5)', both, or ''."""
        text = f" [{self.node}{'.' + self.param if self.param else ''}]" if self.node else ""
        if self.line is not None:
            text += f" (line {self.line}" + (f", column {self.column})" if self.column is not None else ")")
        return text

    def as_dict(self) -> dict[str, Any]:
        """The one rendering of a problem in the API, the Director's data and stored draft errors."""
        return {
            "id": self.id,
            "message": self.message,
            "node": self.node,
            "param": self.param,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
            "level": self.level,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """A stored problem (a draft's errors saved before `line`, `hint` and `level` existed read fine too)."""
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})
