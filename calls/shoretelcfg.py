"""`shoretelcfg.ini` compatibility: `[call_profile] user_fields=AccNo, Balance` defines exported user fields.

The guide's installations keep this file in the server's Bin folder and restart to
apply it; ccweb reads `$CCWEB_CONFIG_DIR/shoretelcfg.ini` and applies changes while
running (Celery beat polls it). Parsing is our own so that every error names its line.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from calls.services.profile_fields import user_field_ensure

log = logging.getLogger(__name__)

FILE_NAME = "shoretelcfg.ini"
SECTION = "call_profile"
KEY = "user_fields"


class ConfigFileError(Exception):
    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}, line {line}: {message}")
        self.path, self.line, self.message = str(path), line, message


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.exported)

    def lines(self) -> list[str]:
        out = [f"created user field {n} (_STCC_{n}), exported as a call property" for n in self.created]
        out += [f"user field {n} is now exported as a call property (_STCC_{n})" for n in self.exported]
        out += [f"unchanged: {n}" for n in self.unchanged]
        return out


def parse_user_fields(text: str, path: Path | str = FILE_NAME) -> list[tuple[int, str]]:
    """Return (line number, field name) for each name in `[call_profile] user_fields`.

    Accepts the INI dialect Windows tools write: `;`/`#` comments, spaces around `=`,
    any case for section and key names. Anything else is an error naming its line.
    """
    section: str | None = None
    seen_keys: dict[tuple[str, str], int] = {}
    entries: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            if not line.endswith("]") or len(line) < 3:
                raise ConfigFileError(path, number, f"a section header must look like [name], not {line!r}")
            section = line[1:-1].strip().lower()
            continue
        if "=" not in line:
            raise ConfigFileError(path, number, f"expected key=value, found {line!r}")
        if section is None:
            raise ConfigFileError(path, number, "a key=value line must come after a [section] header")
        key, value = (part.strip() for part in line.split("=", 1))
        if not key:
            raise ConfigFileError(path, number, "the key before '=' is empty")
        if (section, key.lower()) in seen_keys:
            first = seen_keys[(section, key.lower())]
            raise ConfigFileError(path, number, f"'{key}' is already set in [{section}] on line {first}")
        seen_keys[(section, key.lower())] = number
        if section == SECTION and key.lower() == KEY:
            entries += _field_names(value, number, path)
    return entries


def _field_names(value: str, number: int, path: Path | str) -> list[tuple[int, str]]:
    names = [name.strip() for name in value.split(",")]
    if value.strip() and any(not name for name in names):
        raise ConfigFileError(path, number, "user_fields has an empty name between commas")
    result: list[tuple[int, str]] = []
    for name in filter(None, names):
        if name in (n for _, n in result):
            raise ConfigFileError(path, number, f"user field '{name}' is listed twice")
        result.append((number, name))
    return result


def import_shoretelcfg(path: Path) -> SyncReport:
    """Create and export the user fields listed in `path`; all or nothing."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigFileError(path, line, "the file is not UTF-8 text") from exc
    entries = parse_user_fields(text, path)
    report = SyncReport()
    with transaction.atomic():
        for number, name in entries:
            try:
                outcome = user_field_ensure(name=name)
            except ValidationError as exc:
                raise ConfigFileError(path, number, f"user field '{name}': {' '.join(exc.messages)}") from exc
            getattr(report, outcome).append(name)
    return report


_last_seen: dict[str, str] = {}


def reload_if_changed(config_dir: Path | None = None) -> SyncReport | None:
    """Apply `shoretelcfg.ini` when its content changed since this process last applied it.

    Returns None when there is nothing new; a malformed file is logged once per content.
    """
    path = Path(config_dir or settings.CCWEB_CONFIG_DIR) / FILE_NAME
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        _last_seen.pop(str(path), None)
        return None
    if _last_seen.get(str(path)) == digest:
        return None
    _last_seen[str(path)] = digest
    try:
        report = import_shoretelcfg(path)
    except ConfigFileError as exc:
        log.error("shoretelcfg.ini not applied: %s", exc)
        return None
    for line in report.lines():
        if not line.startswith("unchanged"):
            log.info("shoretelcfg.ini: %s", line)
    return report
