"""Reading a script (DECLARE / SET @v = … / SELECT @v = … / plain statements) into steps ccweb can run. Pure.

Every `%Field%` and `@variable` becomes a `?` marker with a ref saying what it binds, so the plan's SQL
text is fixed when the script is saved and no value can ever become part of it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from core.problems import Problem
from scripts_app.sql.lexer import Kind, code_view, first_word, position_of, segments, statement_spans, string_value
from scripts_app.sql.template import Token, tokens

_NAME = r"@[A-Za-z_#$][\w#$]*"
_VARIABLE = re.compile(r"@?" + _NAME)  # @@ROWCOUNT is matched too, to be refused by name
_SELECT_ASSIGNS = re.compile(
    r"\bSELECT\s+(?:(?:DISTINCT|ALL)\s+)?(?:TOP\s*(?:\(\s*\d+\s*\)|\d+)\s+)?" + _NAME + r"\s*=(?!=)", re.I
)
_DECLARATION = re.compile(
    r"\s*(" + _NAME + r")\s+(?:AS\s+)?([A-Za-z_]\w*(?:\s+(?:PRECISION|VARYING))?(?:\s*\([^()]*\))?)\s*(=)?", re.I
)
_SET = re.compile(r"SET\s+(" + _NAME + r")\s*=(?!=)\s*", re.I)
_ASSIGNMENT = re.compile(r"\s*(" + _NAME + r")\s*=(?!=)\s*")
_SELECT_MODIFIERS = re.compile(r"SELECT\s+(?:(?:DISTINCT|ALL)\s+)?(?:TOP\s*(?:\(\s*\d+\s*\)|\d+)\s+)?", re.I)
_LIST_END = re.compile(r"\b(?:FROM|INTO|WHERE|GROUP|HAVING|ORDER|UNION|EXCEPT|INTERSECT|LIMIT|OPTION)\b", re.I)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)\Z")
# T-SQL type -> the profile data type its values convert to when bound (anything else binds as text).
_TYPES = {
    **dict.fromkeys(["int", "integer", "bigint", "smallint", "tinyint", "numeric", "decimal", "dec"], "number"),
    **dict.fromkeys(["float", "real", "double"], "number"),
    **dict.fromkeys(["money", "smallmoney"], "currency"),
    "date": "date",
    "time": "time",
}


@dataclass(frozen=True)
class FieldValue:
    name: str  # a call profile field


@dataclass(frozen=True)
class VariableValue:
    key: str  # lower-case name without `@`: T-SQL variable names ignore case


@dataclass(frozen=True)
class Literal:
    value: str | None  # None is NULL


@dataclass(frozen=True)
class Query:
    """SQL run on the database; each `?` binds the matching ref. `offsets` maps each character of `sql` to
    its offset in the script, so a syntax error can point at the line and column the author wrote."""

    sql: str
    refs: tuple[FieldValue | VariableValue, ...]
    offsets: tuple[int, ...]


Expression = Literal | FieldValue | VariableValue | Query


@dataclass(frozen=True)
class Variable:
    name: str  # as declared, without `@`
    sql_type: str
    data_type: str  # profile data type used to bind its value ("number", "text", …)
    field: str | None  # the profile field it reads from and writes back to, if any


@dataclass(frozen=True)
class Declare:
    key: str
    start: int


@dataclass(frozen=True)
class Assign:
    key: str
    value: Expression
    start: int


@dataclass(frozen=True)
class SelectInto:
    keys: tuple[str, ...]  # variables set from the first row's columns, in order
    query: Query
    start: int


@dataclass(frozen=True)
class Execute:
    query: Query
    start: int


Step = Declare | Assign | SelectInto | Execute


@dataclass(frozen=True)
class ScriptPlan:
    variables: Mapping[str, Variable]
    steps: tuple[Step, ...]


def is_script(statement: str, *, backslash_escapes: bool = False) -> bool:
    """True when the statement starts with DECLARE or sets a variable (SET @x = …, SELECT @x = …)."""
    code = code_view(statement, segments(statement, backslash_escapes=backslash_escapes))
    if first_word(code)[0] == "DECLARE":
        return True
    return re.search(r"\bSET\s+" + _NAME, code, re.I) is not None or _SELECT_ASSIGNS.search(code) is not None


def check_script(
    statement: str, field_names: Collection[str], *, backslash_escapes: bool = False
) -> tuple[ScriptPlan, list[Problem]]:
    """The plan and its script problems: sql.E008 (variables), sql.E009 (what ccweb cannot run)."""
    parser = _Parser(statement, field_names, backslash_escapes)
    for start, end in statement_spans(statement, backslash_escapes=backslash_escapes):
        parser.statement(start, end)
    return ScriptPlan(dict(parser.variables), tuple(parser.steps)), parser.issues


class _Parser:
    def __init__(self, statement: str, field_names: Collection[str], backslash_escapes: bool) -> None:
        self.text = statement
        self.fields = field_names
        self.segments = segments(statement, backslash_escapes=backslash_escapes)
        self.tokens: list[Token] = tokens(statement, field_names, backslash_escapes=backslash_escapes)
        code = list(code_view(statement, self.segments))
        for token in self.tokens:  # `@` inside a field name is not a variable
            code[token.start : token.end] = "x" * (token.end - token.start)
        self.code = "".join(code)
        self.variables: dict[str, Variable] = {}
        self.steps: list[Step] = []
        self.issues: list[Problem] = []

    def issue(self, id_: str, message: str, offset: int) -> None:
        self.issues.append(Problem(id_, message, **position_of(self.text, offset)))

    def statement(self, start: int, end: int) -> None:
        word, _ = first_word(self.code, start)
        if word == "DECLARE":
            self.declare(start + len(word), end)
        elif word == "SET":
            match = _SET.match(self.code, start, end)
            if match is None:
                self.issue("sql.E009", "In a script, SET only assigns a variable: write SET @name = value.", start)
                return
            key = self.use(match.group(1), match.start(1))
            self.steps.append(Assign(key, self.expression(match.end(), end, start), start))
        elif word == "SELECT":
            self.select(start, end)
        elif word in ("UPDATE", "INSERT", "DELETE", "WITH"):
            self.steps.append(Execute(self.render(start, end), start))
        else:
            self.issue(
                "sql.E009",
                f"ccweb runs scripts itself, statement by statement, and cannot run '{word or '?'}'. "
                "Use only DECLARE, SET @name = …, SELECT, UPDATE, INSERT and DELETE, or a stored procedure.",
                start,
            )

    def declare(self, start: int, end: int) -> None:
        for item_start, item_end in self.split(start, end):
            item = self.code[item_start:item_end]
            at = item_start + len(item) - len(item.lstrip())  # issues point at the variable, not the blank
            match = _DECLARATION.match(self.code, item_start, item_end)
            sql_type = match.group(2) if match else ""
            base_type = sql_type.split("(")[0].split()[0].lower() if sql_type else ""
            junk = match is not None and match.end() < item_end and not match.group(3)
            if match is None or junk or base_type in ("table", "cursor"):
                message = "Declare one value per variable: DECLARE @name type, e.g. DECLARE @value1 int."
                self.issue("sql.E009", message, at)
                continue
            name, key = match.group(1)[1:], match.group(1)[1:].lower()
            # DECLARE @v int = expression: the expression is read before @v exists, as in T-SQL
            value = self.expression(match.end(), item_end, at) if match.group(3) else None
            if key in self.variables:
                self.issue("sql.E008", f"Variable @{name} is declared twice; remove the second declaration.", at)
                continue
            field = _matching_field(name, self.fields)
            self.variables[key] = Variable(name, sql_type, _TYPES.get(base_type, "text"), field)
            self.steps.append(Declare(key, at))
            if value is not None:
                self.steps.append(Assign(key, value, at))

    def select(self, start: int, end: int) -> None:
        list_start = _SELECT_MODIFIERS.match(self.code, start, end)
        assert list_start is not None  # the statement's first word is SELECT
        list_end = self.top_level(_LIST_END, list_start.end(), end)
        items = self.split(list_start.end(), list_end)
        assignments = [_ASSIGNMENT.match(self.code, a, b) for a, b in items]
        if not any(assignments):
            self.steps.append(Execute(self.render(start, end), start))
            return
        if not all(assignments):
            self.issue(
                "sql.E009",
                "A SELECT that sets variables cannot also return columns: write @name = column for every column.",
                start,
            )
            return
        keys = tuple(self.use(m.group(1), m.start(1)) for m in assignments if m)
        drops = [(m.start(1), m.end()) for m in assignments if m]
        self.steps.append(SelectInto(keys, self.render(start, end, drops), start))

    def expression(self, start: int, end: int, keyword: int) -> Expression:
        """A SET value: a literal, a %Field%, an @variable, or else `SELECT <expression>` on the database."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        code = self.code[start:end]
        inside = [t for t in self.tokens if start <= t.start and t.end <= end]
        if len(inside) == 1 and (inside[0].start, inside[0].end) == (start, end):
            return FieldValue(inside[0].name)
        if _VARIABLE.fullmatch(code) and not code.startswith("@@"):
            return VariableValue(self.use(code, start))
        if code.upper() == "NULL":
            return Literal(None)
        if _NUMBER.match(code):
            return Literal(code)
        for seg in self.segments:
            if (seg.start, seg.end) == (start, end) and seg.kind is Kind.STRING and seg.closed:
                if not (seg.backslashes and "\\" in self.text[start:end]):  # leave MySQL escapes to MySQL
                    return Literal(string_value(self.text, seg))
        return self.render(start, end, prefix=("SELECT ", keyword))

    def render(
        self, start: int, end: int, drops: Sequence[tuple[int, int]] = (), prefix: tuple[str, int] = ("", 0)
    ) -> Query:
        """SQL for [start, end) with tokens and variables as `?`, `drops` removed, `prefix` in front."""
        edits: list[tuple[int, int, FieldValue | VariableValue | None]] = [(a, b, None) for a, b in drops]
        edits += [(t.start, t.end, FieldValue(t.name)) for t in self.tokens if start <= t.start < end]
        dropped = [range(a, b) for a, b in drops]
        for match in _VARIABLE.finditer(self.code, start, end):
            after_word = match.start() > 0 and self.code[match.start() - 1].isalnum()  # a@b is not a variable
            if after_word or any(match.start() in d for d in dropped):
                continue
            if match.group().startswith("@@"):
                self.issue("sql.E009", f"ccweb runs scripts itself and cannot evaluate {match.group()}.", match.start())
                continue
            edits.append((match.start(), match.end(), VariableValue(self.use(match.group(), match.start()))))
        sql, offsets = [prefix[0]], [prefix[1]] * len(prefix[0])
        refs: list[FieldValue | VariableValue] = []
        position = start
        for a, b, ref in sorted(edits, key=lambda e: e[0]):
            sql.append(self.text[position:a])
            offsets += range(position, a)
            if ref is not None:
                sql.append("?")
                offsets.append(a)
                refs.append(ref)
            position = b
        sql.append(self.text[position:end])
        offsets += range(position, end)
        return Query("".join(sql), tuple(refs), tuple(offsets))

    def use(self, written: str, offset: int) -> str:
        key = written.lstrip("@").lower()
        if key not in self.variables:
            self.issue(
                "sql.E008",
                f"Variable {written} is not declared. Declare it before it is used: DECLARE {written} varchar(100).",
                offset,
            )
        return key

    def split(self, start: int, end: int) -> list[tuple[int, int]]:
        """[start, end) cut at the commas outside parentheses."""
        items, depth, item_start = [], 0, start
        for k in range(start, end):
            ch = self.code[k]
            depth += (ch == "(") - (ch == ")")
            if ch == "," and depth == 0:
                items.append((item_start, k))
                item_start = k + 1
        items.append((item_start, end))
        return items

    def top_level(self, pattern: re.Pattern[str], start: int, end: int) -> int:
        """Where `pattern` first matches outside parentheses in [start, end), else `end`."""
        for match in pattern.finditer(self.code, start, end):
            segment = self.code[start : match.start()]
            if segment.count("(") == segment.count(")"):
                return match.start()
        return end


def _matching_field(name: str, field_names: Collection[str]) -> str | None:
    """@Customer_Type mirrors "Customer Type": same name ignoring case, underscores standing for spaces."""
    exact = [f for f in field_names if f.lower() == name.lower()]
    loose = [f for f in field_names if f.lower().replace("_", " ") == name.lower().replace("_", " ")]
    matches = exact or loose
    return matches[0] if matches else None
