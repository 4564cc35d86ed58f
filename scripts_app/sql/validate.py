"""Checks run when a statement is saved, as values with stable ids (like Django's system checks). Pure.

sql.E001 syntax (line and column), E002 not a SELECT where only SELECT works, E003 unknown profile field,
E004 several statements where one is allowed, E005 empty, E006 unclosed %Field token, E007 a `?` written
in the statement, E008 undeclared or twice-declared script variable, E009 a script statement ccweb cannot
run. sql.W001 (a warning: the statement still runs) is a field name inside a longer string, which stays text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from core.problems import Problem
from scripts_app.sql.lexer import Kind, Segment, code_view, first_word, position_of, segments, statement_spans
from scripts_app.sql.script_parse import Assign, Execute, Query, SelectInto, check_script, is_script
from scripts_app.sql.template import Token, token_issues, tokens
from scripts_app.sql.types import Dialect

_LABELS = {
    Dialect.MYSQL: "MySQL",
    Dialect.POSTGRES: "PostgreSQL",
    Dialect.TSQL: "SQL Server",
    Dialect.SQLITE: "SQLite",
    Dialect.ORACLE: "Oracle",
}
_CLOSERS = {"'": "'", '"': '"', "`": "`", "[": "]", "/": "*/"}


def backslash_escapes(dialect: Dialect) -> bool:
    """MySQL reads \\' inside a string as a quote (unless NO_BACKSLASH_ESCAPES); the others do not."""
    return dialect is Dialect.MYSQL


def validate_statement(
    statement: str,
    *,
    dialect: Dialect,
    field_names: Collection[str],
    select_only: bool = False,
    single: bool = True,
) -> list[Problem]:
    """Every problem with `statement` for a connection of `dialect`; an empty list means it can be saved.

    `select_only`: the place accepts only SELECT (the guide: a statement that does not start with SELECT
    does not work there). `single`: one statement only; otherwise several statements, or a script, are fine.
    """
    names = frozenset(field_names)
    escapes = backslash_escapes(dialect)
    segs = segments(statement, backslash_escapes=escapes)
    code = code_view(statement, segs)
    if not code.strip():
        example = "SELECT * FROM customers WHERE phone = %ANI%"
        return [Problem("sql.E005", f"The statement is empty. Write a SQL statement, e.g. {example}.")]
    unclosed = next((seg for seg in segs if not seg.closed), None)
    if unclosed is not None:
        return [_unclosed_issue(statement, unclosed)]
    issues = token_issues(statement, names, backslash_escapes=escapes) + _embedded_fields(statement, segs, names)
    spans = statement_spans(statement, backslash_escapes=escapes)
    queries: list[Query]
    script = is_script(statement, backslash_escapes=escapes)
    if script:
        if single:
            issues.append(
                Problem(
                    "sql.E004",
                    "This is a script (DECLARE, SET @variable, SELECT @variable = …), which runs several "
                    "statements, but only one statement is allowed here. Write a single statement, or use the "
                    "script where several statements are accepted.",
                    **position_of(statement, spans[0][0]),
                )
            )
        plan, script_issues = check_script(statement, names, backslash_escapes=escapes)
        issues += script_issues
        queries = [step.query for step in plan.steps if isinstance(step, (SelectInto, Execute))]
        queries += [step.value for step in plan.steps if isinstance(step, Assign) and isinstance(step.value, Query)]
    else:
        if single and len(spans) > 1:
            second = statement[spans[1][0] : spans[1][1]].split("\n")[0][:40]
            issues.append(
                Problem(
                    "sql.E004",
                    f"Only one statement is allowed here, but a second one starts here ('{second}'). "
                    "Remove it, or run it in its own database action.",
                    **position_of(statement, spans[1][0]),
                )
            )
        found = tokens(statement, names, backslash_escapes=escapes)
        queries = [_masked(statement, start, end, found) for start, end in spans]
    if select_only:
        for start, _end in spans[:1] if script else spans:  # a script is one thing: one E002 at most
            word, at = first_word(code, start)
            if word != "SELECT":
                issues.append(_not_select(statement, at, f"this statement starts with {word}"))
    if not any(issue.id == "sql.E006" for issue in issues):  # an unclosed token would only confuse the parser
        for query in sorted(queries, key=lambda q: q.offsets[0] if q.offsets else 0):
            issues += _parse(statement, query, dialect, select_only)
    return _unique(issues)


def _masked(statement: str, start: int, end: int, found: list[Token]) -> Query:
    """The statement [start, end) with each token replaced by `?` and blanks, so positions do not move."""
    text = list(statement[start:end])
    for token in found:
        if start <= token.start < end:
            text[token.start - start : token.end - start] = "?" + " " * (token.end - token.start - 1)
    return Query("".join(text), (), tuple(range(start, end)))


def _parse(statement: str, query: Query, dialect: Dialect, select_only: bool) -> list[Problem]:
    read = dialect.value or None
    try:
        parsed = [e for e in sqlglot.parse(query.sql, read=read) if e is not None]
    except ParseError as exc:
        return [_syntax_issue(statement, query, exc, dialect)]
    except SqlglotError as exc:  # the tokenizer gives no position
        return [Problem("sql.E001", f"The statement cannot be read as SQL: {exc}. Check quotes and brackets.")]
    issues = []
    for expression in parsed:
        if select_only and isinstance(expression, exp.Select) and expression.args.get("into"):
            where = query.offsets[0] if query.offsets else 0
            issues.append(_not_select(statement, where, "SELECT … INTO creates a table"))
    return issues


def _syntax_issue(statement: str, query: Query, exc: ParseError, dialect: Dialect) -> Problem:
    error = exc.errors[0] if exc.errors else {}
    sql, highlight = query.sql, str(error.get("highlight") or "")
    lines = sql.split("\n")
    line = min(max(int(error.get("line") or 1), 1), len(lines))
    # sqlglot's column is where the offending token ends; point at where it starts.
    end = sum(len(text) + 1 for text in lines[: line - 1]) + int(error.get("col") or 1) - 1
    index = max(0, min(end - len(highlight) + 1 if "\n" not in highlight else end, len(sql) - 1))
    description = str(error.get("description") or exc).split(" but got ")[0].split(". Line ")[0]
    join_condition = _comma_join_without_where(sql, index, dialect)
    if join_condition is not None:
        index = join_condition
        condition = sql[index:].split("\n")[0].strip()
        froms = list(re.finditer(r"\bFROM\b", sql[:index], re.I))
        tables = " ".join(sql[froms[-1].start() : index].split()) if froms else "FROM table1, table2"
        message = (
            f"WHERE is missing before '{condition}': a comma join needs WHERE before its join condition. "
            f"Write {tables} WHERE {condition}, or use JOIN … ON {condition}."
        )
    else:
        message = (
            f"Syntax error near '{highlight}': {description}. Check the spelling and punctuation here "
            f"({_LABELS.get(dialect, 'SQL')} syntax)."
        )
    offset = query.offsets[index] if index < len(query.offsets) else (query.offsets[-1] if query.offsets else 0)
    return Problem("sql.E001", message, **position_of(statement, offset))


def _comma_join_without_where(sql: str, index: int, dialect: Dialect) -> int | None:
    """Where WHERE belongs, if the error is a comma join's condition written without it (the guide's example).

    `FROM table1, table2 table1.id1 = …` reads as table2 aliased table1, then fails at `.`: if putting WHERE
    before the name at the error (or the word before it) makes a SELECT with a comma join, that is the fix.
    Other repairs that happen to parse (a missing comma, say) are not offered: the hint would mislead.
    """
    start = index
    while start > 0 and (sql[start - 1].isalnum() or sql[start - 1] in '_.`"]'):
        start -= 1
    previous = start
    while previous > 0 and sql[previous - 1] in " \t\n":
        previous -= 1
    while previous > 0 and (sql[previous - 1].isalnum() or sql[previous - 1] in "_."):
        previous -= 1
    for at in dict.fromkeys((start, previous)):
        try:
            repaired = sqlglot.parse_one(sql[:at] + "WHERE " + sql[at:], read=dialect.value or None)
        except SqlglotError:
            continue
        joins = (repaired.args.get("joins") or []) if isinstance(repaired, exp.Select) else []
        if any(join.args.get("on") is None and not join.args.get("using") for join in joins):
            return at
    return None


def _not_select(statement: str, offset: int, why: str) -> Problem:
    return Problem(
        "sql.E002",
        f"Only a SELECT statement works here, and {why}. Write a SELECT, and do writes in a database action "
        "that accepts any statement.",
        **position_of(statement, max(offset, 0)),
    )


def _unclosed_issue(statement: str, seg: Segment) -> Problem:
    opener = statement[seg.quote if seg.kind is Kind.STRING else seg.start]
    what = {Kind.STRING: "string", Kind.IDENTIFIER: "quoted name", Kind.COMMENT: "comment"}[seg.kind]
    return Problem(
        "sql.E001",
        f"The {what} that starts here is never closed: add the closing {_CLOSERS.get(opener, opener)} .",
        **position_of(statement, seg.quote if seg.kind is Kind.STRING else seg.start),
    )


def _embedded_fields(statement: str, segs: Sequence[Segment], names: frozenset[str]) -> list[Problem]:
    """sql.W001: '%ANI% suffix' or "%ANI%" keeps the text: only a string that is exactly '%ANI%' binds."""
    issues = []
    for seg in segs:
        if seg.kind not in (Kind.STRING, Kind.IDENTIFIER) or statement[seg.start] in "[`":
            continue
        body_start = seg.quote + 1 if seg.kind is Kind.STRING else seg.start + 1
        body = statement[body_start : seg.end - 1]
        if seg.kind is Kind.STRING and len(body) > 2 and body[0] == body[-1] == "%" and body[1:-1] in names:
            continue  # the whole string is a token: it binds
        i = body.find("%")
        while i >= 0:
            close = body.find("%", i + 1)
            if close > i + 1 and body[i + 1 : close] in names:
                name = body[i + 1 : close]
                if seg.kind is Kind.STRING:
                    fix = f"concatenate to combine the value with text, e.g. CONCAT('…', %{name}%)"
                    where = "inside a longer string"
                else:
                    fix = f"write '%{name}%' or %{name}% (single quotes) to use the field's value"
                    where = "inside double quotes, which quote a name"
                issues.append(
                    Problem(
                        "sql.W001",
                        f"%{name}% {where} stays as text and is not replaced by the field's value: {fix}.",
                        **position_of(statement, body_start + i),
                        level="warning",
                    )
                )
                i = body.find("%", close + 1)
            else:
                i = close
    return issues


def _unique(issues: list[Problem]) -> list[Problem]:
    """Each problem once (a script and the token scan both see an unknown field), in reading order."""
    seen = dict.fromkeys(issues)
    return sorted(seen, key=lambda issue: (issue.line or 0, issue.column or 0, issue.id))
