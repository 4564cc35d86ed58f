"""Settings read from the environment: one parser for whole numbers, with the variable named in the error."""

from collections.abc import Mapping


def int_setting(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number; set it to an integer or unset it.") from None
    if value < minimum:
        raise ValueError(f"{name}={value} is below {minimum}; set it to {minimum} or more.")
    return value
