"""Announce speaks values as words in the call's language."""

import pytest

from scripts_app.speech import spoken_text


@pytest.mark.parametrize(
    ("value", "fmt", "language", "expected"),
    [
        ("2500.75", "currency", 0, "two thousand, five hundred dollars, seventy-five cents"),
        ("100", "currency", 0, "one hundred dollars, zero cents"),
        ("2500.75", "currency", 4, "dos mil quinientos dólares con setenta y cinco centavos"),
        ("1001#", "digits", 0, "one zero zero one pound"),
        ("42", "number", 0, "forty-two"),
        ("42", "number", 2, "сорок два"),
        ("2026-11-26", "date", 0, "November twenty-sixth, twenty twenty-six"),
        ("11/26/2026", "date", 4, "veintiséis de noviembre de dos mil veintiséis"),
        ("14:05", "time", 0, "two oh five p.m."),
        ("09:30", "time", 0, "nine thirty a.m."),
        ("Hello", "text", 1, "Hello"),
    ],
)
def test_spoken_words(value, fmt, language, expected):
    assert spoken_text(value, format=fmt, language=language) == expected


@pytest.mark.parametrize(
    ("value", "fmt"),
    [("abc", "number"), ("1e999999", "currency"), ("31/31/2026", "date"), ("25:99", "time"), ("", "currency")],
)
def test_values_that_do_not_fit_are_spoken_as_written(value, fmt):
    assert spoken_text(value, format=fmt) == value


def test_every_language_speaks_currency():
    for language in range(5):
        assert spoken_text("12.50", format="currency", language=language) != "12.50"
