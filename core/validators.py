"""Syntax checks for numbers and SIP URIs entered by administrators."""

import re

from django.core.exceptions import ValidationError

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"(?:\[[0-9A-Fa-f:.]+\]|{_LABEL}(?:\.{_LABEL})*)"
_USER = r"[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+"
_SIP_URI = re.compile(rf"^sips?:(?:{_USER}@)?{_HOST}(?::\d{{1,5}})?(?:;[A-Za-z0-9\-_.!~*'()%=]+)*$")
_EXTENSION = re.compile(r"^\d{1,15}$")
_DIAL_NUMBER = re.compile(r"^\+?\d{1,20}$")


def is_sip_uri(value: str) -> bool:
    match = _SIP_URI.match(value)
    if not match:
        return False
    port = re.search(r":(\d+)(?:;|$)", value.split("@")[-1])
    return port is None or 0 < int(port.group(1)) < 65536


def is_extension(value: str) -> bool:
    return bool(_EXTENSION.match(value))


def validate_sip_uri(value: str) -> None:
    if not is_sip_uri(value):
        raise ValidationError(
            f"'{value}' is not a valid SIP URI: use sip:user@host or sip:user@host:port, "
            "e.g. sip:1001@pbx.example.com.",
            code="sip_uri",
        )


def is_registered_user(value: str) -> bool:
    """An agent extension that names a phone registered at our front (digits, e.g. 1001), not a static URI."""
    return is_extension(value)


def validate_agent_extension(value: str) -> None:
    if not (is_registered_user(value) or is_sip_uri(value)):
        raise ValidationError(
            f"'{value}' is not an agent extension: use the digits of a phone that registers here, e.g. 1001, "
            "or a SIP URI sip:user@host[:port], e.g. sip:1001@pbx.example.com.",
            code="agent_extension",
        )


def validate_dial_number(value: str) -> None:
    if not _DIAL_NUMBER.match(value):
        raise ValidationError(
            f"'{value}' is not a dial number: use digits only, optionally with a leading +.",
            code="dial_number",
        )
