"""Run a published script on a pretend call: what the caller hears, the trace and the final profile.

Used by `manage.py script_simulate`, the API (`POST /api/scripts/{id}/simulate/`) and the tests of
the guide's examples. SQL runs for real, over ODBC, through the same gateway a live call uses.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from calls.models import CallProfileField
from calls.profile import new_call_profile
from calls.selectors import system_settings
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import parse_graph
from scripts_app.engine.interpreter import run_script
from scripts_app.models import Script
from scripts_app.runtime.config_port import configuration
from scripts_app.runtime.console import ConsoleMedia, SimulatedAcd
from scripts_app.runtime.loader import PublishedScriptLoader
from scripts_app.runtime.sql_port import GatewaySqlPort


class NotPublished(Exception):
    pass


def simulate_script(
    script: Script,
    *,
    digits: str = "",
    ani: str = "",
    dnis: str = "",
    fields: Mapping[str, str] | None = None,
    echo: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the script's version in force; raises NotPublished when it has none."""
    version = script.current_version
    if version is None:
        raise NotPublished(f"Script '{script.name}' has no published version: publish it first.")
    graph = parse_graph(version.graph)
    field_types = dict(CallProfileField.objects.values_list("name", "data_type"))
    dnis_name = configuration.dnis_name(dnis) if dnis else ""
    call_id = uuid.uuid4().hex
    profile = new_call_profile(
        field_names=field_types,
        entered_at=timezone.now(),
        ani=ani,
        dnis=dnis,
        dnis_name=dnis_name or "",
        call_id=call_id,
        sw_call_guid=f"simulated-{call_id}",
        trunk="simulator",
        language=system_settings().default_language,
        extra=fields,
    )
    media = ConsoleMedia(digits, echo=echo)
    call = CallContext(
        call_id=call_id,
        profile=profile,
        media=media,
        sql=GatewaySqlPort(),
        acd=SimulatedAcd(lambda: set(configuration.service_names()), media),
        field_types=field_types,
        scripts=PublishedScriptLoader(),
        fallback_service=configuration.fallback_service(dnis) if dnis else None,
    )
    outcome = asyncio.run(run_script(graph, call, name=script.name))
    return {
        "script": script.name,
        "version": version.number,
        "outcome": outcome,
        "destination": call.destination,
        "heard": media.heard,
        "trace": [step.as_dict() for step in call.trace],
        "profile": call.profile,
    }
