"""What the caller hears when a script speaks a value: the words, in the call's language.

Pure (no Django, no pjsua2): the media worker hands these words to espeak-ng; the simulator prints
them. Language numbers are the call profile's (0 English, 1 Hebrew, 2 Russian, 3 Arabic, 4 Mexican
Spanish).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from num2words import num2words

LANG_CODES = {0: "en", 1: "he", 2: "ru", 3: "ar", 4: "es"}
ESPEAK_VOICES = {0: "en-us", 1: "he", 2: "ru", 3: "ar", 4: "es-419"}
DIGIT_SYMBOLS = {
    "en": {"*": "star", "#": "pound"},
    "es": {"*": "asterisco", "#": "numeral"},
    "ru": {"*": "звёздочка", "#": "решётка"},
    "he": {"*": "כוכבית", "#": "סולמית"},
    "ar": {"*": "نجمة", "#": "مربع"},
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def spoken_text(value: str, *, format: str, language: int = 0, currency: str = "USD") -> str:
    """The words for `value` spoken as `format` (text, number, digits, currency, date, time).

    A value that does not fit its format is spoken as written, so the caller still hears it.
    """
    lang = LANG_CODES.get(language, "en")
    value = (value or "").strip()
    try:
        if format == "number":
            return num2words(_decimal(value), lang=lang)
        if format == "currency":
            return num2words(_decimal(value).quantize(Decimal("0.01")), lang=lang, to="currency", currency=currency)
        if format == "digits":
            return " ".join(_digit(ch, lang) for ch in value if not ch.isspace())
        if format == "date":
            return _date(_parse_date(value), lang)
        if format == "time":
            return _time(_parse_time(value), lang)
    except (ValueError, InvalidOperation, NotImplementedError, OverflowError):
        return value
    return value


def _decimal(value: str) -> Decimal:
    number = Decimal(value.replace(",", ""))
    if not number.is_finite():
        raise ValueError(value)
    return number


def _digit(ch: str, lang: str) -> str:
    if ch.isdigit():
        return num2words(int(ch), lang=lang)
    return DIGIT_SYMBOLS[lang].get(ch, ch)


def _parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_time(value: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value)
    if not match:
        raise ValueError(value)
    return time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def _date(day: date, lang: str) -> str:
    if lang == "en":
        return f"{MONTHS['en'][day.month - 1]} {num2words(day.day, lang='en', to='ordinal')}, " + num2words(
            day.year, lang="en", to="year"
        )
    if lang == "es":
        return f"{num2words(day.day, lang='es')} de {MONTHS['es'][day.month - 1]} de {num2words(day.year, lang='es')}"
    return f"{num2words(day.day, lang=lang)} {num2words(day.month, lang=lang)} {num2words(day.year, lang=lang)}"


def _time(moment: time, lang: str) -> str:
    if lang == "en":
        hour = moment.hour % 12 or 12
        minutes = (
            ""
            if moment.minute == 0
            else (
                " oh " + num2words(moment.minute, lang="en")
                if moment.minute < 10
                else " " + num2words(moment.minute, lang="en")
            )
        )
        return f"{num2words(hour, lang='en')}{minutes} {'a.m.' if moment.hour < 12 else 'p.m.'}"
    words = num2words(moment.hour, lang=lang)
    return words if moment.minute == 0 else f"{words} {num2words(moment.minute, lang=lang)}"
