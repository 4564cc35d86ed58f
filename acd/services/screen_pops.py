"""The screen pop of an offered call: built when the agent's phone starts ringing, sent to the agent's feed,
kept for the snapshot a desktop gets when it (re)connects while the call lasts."""

from __future__ import annotations

import time
from collections.abc import Mapping

from acd import notifier
from acd.cti import publish as cti
from acd.models import Service
from calls.screen_pop import screen_pop
from calls.selectors import exported_field_names


def offer_pop(
    *, call_id: str, agent: str, service: str, profile: Mapping[str, str], exported: list[str] | None = None
) -> dict[str, object]:
    """Build, keep and send the pop (blocking: the database, Redis, the channel layer). `exported`: the
    exported field names when the caller has read them already (the agent leg has, for its headers)."""
    eng = notifier.engine()
    entered = eng.client.hget(eng.keys.call(call_id), "entered_at")
    now_ms = int(time.time() * 1000)
    template = Service.objects.filter(name=service).values_list("screen_pop_url", flat=True).first() or ""
    pop = screen_pop(
        call_id=call_id,
        agent=agent,
        service=service,
        profile=profile,
        exported=exported_field_names() if exported is None else exported,
        url_template=template,
        waited_s=(now_ms - int(entered)) / 1000 if entered else None,
        offered_ms=now_ms,
    )
    cti.call_offered(call_id=call_id, agent=agent, service=service, profile=profile)  # never raises
    notifier.send_pop(eng, pop)
    return pop
