"""SQL text is split into code, strings, quoted identifiers and comments, so nothing quoted is mistaken for code."""

import pytest

from scripts_app.sql.lexer import Kind, code_view, line_col, segments, statement_spans, string_value


def kinds(statement, **kwargs):
    return [(seg.kind, statement[seg.start : seg.end]) for seg in segments(statement, **kwargs)]


def test_segments_cover_the_statement_and_keep_doubled_quotes_inside():
    statement = "SELECT 'it''s', \"a\"\"b\", `c`, [d] -- e\nFROM t /* f */"
    assert kinds(statement) == [
        (Kind.CODE, "SELECT "),
        (Kind.STRING, "'it''s'"),
        (Kind.CODE, ", "),
        (Kind.IDENTIFIER, '"a""b"'),
        (Kind.CODE, ", "),
        (Kind.IDENTIFIER, "`c`"),
        (Kind.CODE, ", "),
        (Kind.IDENTIFIER, "[d]"),
        (Kind.CODE, " "),
        (Kind.COMMENT, "-- e"),
        (Kind.CODE, "\nFROM t "),
        (Kind.COMMENT, "/* f */"),
    ]


def test_prefixed_strings_include_their_prefix_and_e_strings_use_backslash_escapes():
    assert kinds("x = N'a' + E'b\\'c' + n'd'")[1::2] == [
        (Kind.STRING, "N'a'"),
        (Kind.STRING, "E'b\\'c'"),
        (Kind.STRING, "n'd'"),
    ]
    assert kinds("SEN'a'")[1] == (Kind.STRING, "'a'")  # the N of a longer word is not a prefix


@pytest.mark.parametrize(
    ("escapes", "expected"),
    [(False, [(Kind.STRING, "'a\\'"), (Kind.CODE, "b")]), (True, [(Kind.STRING, "'a\\'b")])],
)
def test_backslashes_escape_only_when_asked(escapes, expected):
    assert kinds("'a\\'b", backslash_escapes=escapes) == expected


def test_unclosed_quotes_and_comments_are_marked():
    assert [seg.closed for seg in segments("SELECT 'a")] == [True, False]
    assert [seg.closed for seg in segments("SELECT /* a")] == [True, False]


def test_string_value_undoes_quote_escapes():
    statement = "'it''s' E'a\\'b'"
    first, _, second = segments(statement)
    assert (string_value(statement, first), string_value(statement, second)) == ("it's", "a'b")


def test_code_view_keeps_length_and_lines_and_hides_what_is_quoted():
    statement = "SELECT ';' -- x;\n, \"(\" FROM t"
    view = code_view(statement, segments(statement))
    assert view == "SELECT xxx " + " " * len("-- x;") + "\n, xxx FROM t"
    assert len(view) == len(statement)


def test_line_col_is_one_based():
    assert [line_col("ab\ncd", k) for k in (0, 1, 3, 4)] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_statement_spans_skip_comments_blanks_and_semicolons():
    statement = "-- first\n  SELECT 1 ;\n\n/* second */ SELECT ';'  ;  "
    assert [statement[a:b] for a, b in statement_spans(statement)] == ["SELECT 1", "SELECT ';'"]
