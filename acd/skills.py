"""The skills a call needs, read from a call profile field: "Spanish:5, Billing" -> {"Spanish": 5, "Billing": 1}.

Pure functions (no Django): the service's configuration and the call's profile arrive as mappings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MIN_LEVEL = 1
MAX_LEVEL = 10
_SEPARATORS = re.compile(r"[,;]")


class SkillsSyntaxError(ValueError):
    """The required skills text cannot be read; the message names the bad item and the expected form."""


def parse_required_skills(text: str) -> dict[str, int]:
    """Skill names separated by commas or semicolons, each with an optional ":level" (1 to 10, default 1).

    Empty items (a trailing comma) are skipped; a skill given twice keeps its highest level.
    """
    skills: dict[str, int] = {}
    for raw in _SEPARATORS.split(text or ""):
        item = raw.strip()
        if not item:
            continue
        name, colon, level_text = item.partition(":")
        name = name.strip()
        if not name:
            raise SkillsSyntaxError(f"'{item}' has no skill name; write e.g. 'Spanish:5'.")
        level = MIN_LEVEL
        if colon:
            level_text = level_text.strip()
            if not (level_text.isascii() and level_text.isdigit()):
                raise SkillsSyntaxError(
                    f"The level of skill '{name}' must be a whole number from {MIN_LEVEL} to {MAX_LEVEL}, "
                    f"not '{level_text}'."
                )
            level = int(level_text)
            if not MIN_LEVEL <= level <= MAX_LEVEL:
                raise SkillsSyntaxError(
                    f"The level of skill '{name}' must be from {MIN_LEVEL} to {MAX_LEVEL}, not {level}."
                )
        skills[name] = max(level, skills.get(name, MIN_LEVEL))
    return skills


def required_skills_for(service_config: Mapping[str, Any], profile: Mapping[str, str]) -> dict[str, int]:
    """The skills a call of this service needs: the value of the service's `skills_field` in the call's profile.

    A service without a skills field, or a call whose profile lacks it, needs no skill.
    Raises SkillsSyntaxError when the field's value cannot be read.
    """
    field = service_config.get("skills_field") or ""
    if not field:
        return {}
    return parse_required_skills(profile.get(field) or "")
