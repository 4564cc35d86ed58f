"""Small pictures for list cells: chips, arrows to destinations, yes/no marks."""

from collections.abc import Iterable
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from calls.models import DestinationKind

NONE = mark_safe('<span class="muted">—</span>')

_TARGET_WORD = {
    DestinationKind.SERVICE: "Service",
    DestinationKind.SCRIPT: "Script",
    DestinationKind.DEVICE: "Device",
}


def yes_no(value: bool) -> SafeString:
    return format_html('<span class="flag flag-{}">{}</span>', "yes" if value else "no", "Yes" if value else "No")


def code(value: str) -> SafeString:
    return format_html("<code>{}</code>", value) if value else NONE


def or_none(value: Any) -> Any:
    return value if value not in (None, "") else NONE


def chips(items: Iterable[Any], *, numbered: bool = False, extra: str = "") -> SafeString:
    """Items as small rounded labels; `numbered` prefixes each with its position (ordered groups)."""
    items = list(items)
    if not items:
        return NONE
    if numbered:
        parts = format_html_join(
            "", '<span class="chip"><b>{}</b>{}</span>', ((i, str(x)) for i, x in enumerate(items, 1))
        )
    else:
        parts = format_html_join("", '<span class="chip">{}</span>', ((str(x),) for x in items))
    return format_html('<span class="chips{}">{}</span>', f" {extra}" if extra else "", parts)


def level_chips(rows: Iterable[tuple[Any, int]]) -> SafeString:
    rows = list(rows)
    if not rows:
        return NONE
    parts = format_html_join("", '<span class="chip">{}<b class="level">{}</b></span>', ((str(s), n) for s, n in rows))
    return format_html('<span class="chips">{}</span>', parts)


def destination(kind: str, *, service: Any = None, script: Any = None, device: str = "") -> SafeString:
    """'→ Service Sales', '→ Device sip:1001@pbx', '→ Hang up'; a dash when there is none."""
    if not kind:
        return NONE
    if kind == DestinationKind.HANGUP:
        return format_html('<span class="dest"><span class="arrow">→</span> Hang up</span>')
    target = {DestinationKind.SERVICE: service, DestinationKind.SCRIPT: script, DestinationKind.DEVICE: device}[
        DestinationKind(kind)
    ]
    return format_html(
        '<span class="dest"><span class="arrow">→</span> {} <strong>{}</strong></span>',
        _TARGET_WORD[DestinationKind(kind)],
        target if target not in (None, "") else "?",
    )
