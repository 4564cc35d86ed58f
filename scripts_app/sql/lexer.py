"""Which parts of SQL text are code, strings, quoted identifiers or comments, and where statements start.

`%Field%` tokens, `@variables`, `?` markers and statement boundaries only count in code, so every module
that reads SQL text asks this one first instead of running regular expressions over the raw text. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict


class Kind(StrEnum):
    CODE = "code"
    STRING = "string"  # '…', N'…', E'…'
    IDENTIFIER = "identifier"  # "…", `…`, […]
    COMMENT = "comment"  # -- … and /* … */


@dataclass(frozen=True)
class Segment:
    kind: Kind
    start: int
    end: int  # exclusive
    closed: bool = True
    quote: int = -1  # strings: index of the opening quote (after an N or E prefix)
    backslashes: bool = False  # strings: a backslash escapes the next character


_CLOSERS = {'"': '"', "`": "`", "[": "]"}


def segments(statement: str, *, backslash_escapes: bool = False) -> list[Segment]:
    """Split `statement` into consecutive segments covering every character.

    Quotes are closed by the same quote; a doubled quote ('' "" ``) stays inside. Backslashes only escape
    when `backslash_escapes` (MySQL's default) or in a PostgreSQL E'…' string.
    """
    out: list[Segment] = []
    text, n, i, code_start = statement, len(statement), 0, 0
    while i < n:
        ch = text[i]
        if ch == "'":
            start, escapes = i, backslash_escapes
            # N'…' (T-SQL unicode) and E'…' (PostgreSQL escapes): the prefix belongs to the literal,
            # so a literal token such as N'%ANI%' is replaced whole.
            if i > code_start and text[i - 1] in "NnEe" and (i < 2 or not _is_word(text[i - 2])):
                start -= 1
                escapes = escapes or text[i - 1] in "Ee"
            end, closed = _quoted_end(text, i, "'", escapes)
            seg = Segment(Kind.STRING, start, end, closed, i, escapes)
        elif ch in _CLOSERS:
            end, closed = _quoted_end(text, i, _CLOSERS[ch], False)
            seg = Segment(Kind.IDENTIFIER, i, end, closed)
        elif text.startswith("--", i):
            newline = text.find("\n", i)
            seg = Segment(Kind.COMMENT, i, n if newline < 0 else newline)
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            seg = Segment(Kind.COMMENT, i, n if close < 0 else close + 2, close >= 0)
        else:
            i += 1
            continue
        if seg.start > code_start:
            out.append(Segment(Kind.CODE, code_start, seg.start))
        out.append(seg)
        i = code_start = seg.end
    if code_start < n:
        out.append(Segment(Kind.CODE, code_start, n))
    return out


def _quoted_end(text: str, open_at: int, close: str, escapes: bool) -> tuple[int, bool]:
    i = open_at + 1
    while i < len(text):
        ch = text[i]
        if escapes and ch == "\\":
            i += 2
        elif ch == close:
            if text.startswith(close, i + 1):  # doubled quote: part of the text
                i += 2
            else:
                return i + 1, True
        else:
            i += 1
    return len(text), False


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "_@#$"


def string_value(statement: str, seg: Segment) -> str:
    """The text a closed string literal stands for ('' -> ', and \\' -> ' when backslashes escape)."""
    body = statement[seg.quote + 1 : seg.end - 1]
    if seg.backslashes:
        body = re.sub(r"\\(.)", r"\1", body, flags=re.S)
    return body.replace("''", "'")


def code_view(statement: str, segs: list[Segment]) -> str:
    """`statement` with the same length and line breaks, where only code is left as written.

    Strings and quoted identifiers become `x…x` (still one operand), comments become spaces, so keywords,
    commas and parentheses can be searched for without being fooled by what is quoted.
    """
    chars = list(statement)
    for seg in segs:
        if seg.kind is Kind.CODE:
            continue
        fill = " " if seg.kind is Kind.COMMENT else "x"
        for k in range(seg.start, seg.end):
            if chars[k] != "\n":
                chars[k] = fill
    return "".join(chars)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class Position(TypedDict):
    line: int
    column: int


def position_of(text: str, offset: int) -> Position:
    """`line` and `column` of `offset` in `text`, as a Problem's keyword arguments."""
    line, column = line_col(text, offset)
    return {"line": line, "column": column}


# A statement starts at one of these words at the start of a line (or after `;`), except where the word
# continues the statement before it: INSERT … SELECT, UPDATE … SET, UNION SELECT, ON DELETE, FOR UPDATE, …
# T-SQL words that ccweb's script runner refuses start a statement too, so they are refused by name.
_STARTERS = frozenset({"DECLARE", "SET", "SELECT", "UPDATE", "INSERT", "DELETE"})
_TSQL_STARTERS = frozenset({"EXEC", "EXECUTE", "PRINT", "IF", "WHILE", "BEGIN", "RETURN", "GO"})
_INSERT_BODY = frozenset({"SELECT", "VALUES", "DEFAULT", "EXEC", "EXECUTE"})
_CONTINUES_AFTER = frozenset(
    {"UNION", "ALL", "EXCEPT", "INTERSECT", "MINUS", "THEN", "ELSE", "KEY", "DO", "FOR", "ON", "AS", "DISTINCT"}
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[;()]")


def statement_spans(statement: str, *, backslash_escapes: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each statement, without surrounding blanks, comments or the `;` between them."""
    code = code_view(statement, segments(statement, backslash_escapes=backslash_escapes))
    spans: list[tuple[int, int]] = []
    start: int | None = None
    depth, awaiting, previous = 0, "", ""

    def close(at: int) -> None:
        nonlocal start
        if start is not None:
            spans.append((start, len(code[:at].rstrip())))
        start = None

    for match in _WORD.finditer(code):
        word, pos = match.group().upper(), match.start()
        if word not in (";", "(", ")") and pos > 0 and _is_word(code[pos - 1]):
            continue  # the tail of @name, #temp or x$y, not a word of its own
        if word == ";":
            if depth == 0:
                close(pos)
                previous = ";"
            continue
        if start is None:
            start, depth = pos, 0
            awaiting = {"INSERT": "SELECT", "UPDATE": "SET", "WITH": "DML"}.get(word, "")
        elif word in ("(", ")"):
            pass
        elif depth == 0:
            continues = (
                awaiting == word
                or (awaiting == "DML" and word in _STARTERS - {"DECLARE", "SET"})
                or (awaiting == "SELECT" and word in _INSERT_BODY)
            )
            if continues:
                awaiting = ""
            # IF (…) / EXEC(…) on a line of their own may be MySQL's IF() function or a call: not a new statement
            function = code[match.end() :].lstrip(" \t").startswith("(")
            starter = word in _STARTERS or (word in _TSQL_STARTERS and not function)
            if starter and not continues and previous not in _CONTINUES_AFTER and _starts_line(code, pos):
                close(pos)
                start = pos
                awaiting = {"INSERT": "SELECT", "UPDATE": "SET"}.get(word, "")
        if word in ("(", ")"):
            depth = max(0, depth + (1 if word == "(" else -1))
        previous = word
    close(len(code))
    return spans


def _starts_line(code: str, pos: int) -> bool:
    return not code[code.rfind("\n", 0, pos) + 1 : pos].strip()


def first_word(code: str, start: int = 0) -> tuple[str, int]:
    """The first word of code at or after `start` (upper case) and where it is; ("", -1) if none."""
    match = re.compile(r"[A-Za-z_]\w*").search(code, start)
    return (match.group().upper(), match.start()) if match else ("", -1)
