"""Load the routing configuration (services, groups, agents, skills) into the live ACD engine in Redis.

The database is the truth; the engine holds a copy. Every create, update or delete of a
Service, Group, Skill or Agent through the service layer syncs once its transaction commits
(`SYNC_AFTER_COMMIT` on those services), and Celery beat syncs every minute as a safety net,
so a sync missed while Redis was down is caught up. A sync rewrites configuration only:
agents' live states and waiting calls are kept; services and logged-out agents deleted from
the database are forgotten.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.db.models import Prefetch

from acd import notifier
from acd.engine import configure_services
from acd.models import Agent, Service, ServiceGroup
from acd.services.recovery import restore_agent_states

log = logging.getLogger(__name__)


def _destination(service: Service, prefix: str) -> tuple[str, str] | None:
    """(kind, target) of the overflow or no-agent destination: a service or script name, a device, "" for hangup."""
    kind = getattr(service, f"{prefix}_kind")
    if not kind:
        return None
    target = {
        "service": getattr(service, f"{prefix}_service"),
        "script": getattr(service, f"{prefix}_script"),
        "device": getattr(service, f"{prefix}_device"),
    }.get(kind)
    return kind, getattr(target, "name", target) or ""


def _service_config(service: Service) -> dict[str, Any]:
    overflow = bool(service.overflow_kind)
    return {
        "name": service.name,
        "strategy": service.strategy,
        "ring_timeout": int(service.ring_timeout),
        "max_queue_length": int(service.max_queue_length),
        "no_answer_state": service.no_answer_state,
        "groups": [row.group.name for row in service.service_groups.all()],
        "priority": int(service.priority),
        "max_queue_time": int(service.max_queue_time) if overflow and service.max_queue_time else None,
        "overflow": overflow,
        "no_agent": bool(service.no_agent_kind),
        "no_agent_timeout": int(service.no_agent_timeout),
        "callback_abandoned": bool(service.callback_abandoned),
        "callback_attempts": int(service.callback_attempts),
        "skills_field": service.skills_field.name if service.skills_field else "",
        "overflow_to": _destination(service, "overflow"),
        "no_agent_to": _destination(service, "no_agent"),
    }


def _agent_config(agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.number,
        "name": agent.name,
        "extension": agent.extension,
        "groups": [group.name for group in agent.groups.all()],
        "skills": {row.skill.name: int(row.level) for row in agent.agent_skills.all()},
    }


def live_config() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(services, agents) as `acd.engine.configure_services` takes them; agents in agent number order."""
    ordered_groups = ServiceGroup.objects.select_related("group").order_by("position", "id")
    services = (
        Service.objects.select_related(
            "skills_field", "overflow_service", "overflow_script", "no_agent_service", "no_agent_script"
        )
        .prefetch_related(Prefetch("service_groups", queryset=ordered_groups))
        .order_by("name")
    )
    agents = Agent.objects.prefetch_related("groups", "agent_skills__skill").order_by("number")
    return [_service_config(s) for s in services], [_agent_config(a) for a in agents]


def push_live_config(services: list[dict[str, Any]], agents: list[dict[str, Any]]) -> bool:
    """Write the configuration into the engine, forgetting services and logged-out agents no longer
    configured; Redis errors propagate. True when the engine's live state was empty (first start, or
    Redis lost its data)."""
    eng = notifier.engine()
    fresh = configure_services(eng.client, eng.prefix, services=services, agents=agents, prune=True)
    if fresh:
        log.info("ACD configuration loaded into an empty engine (%s services, %s agents).", len(services), len(agents))
    return bool(fresh)


def load_live_config() -> tuple[int, int]:
    """Build the configuration from the database and load it into the engine; when the engine
    was empty (Redis lost the live state), agents come back as history last saw them and owners,
    which watch the epoch, re-publish their calls (CallOwner.republish_if_needed). Returns
    (services, agents) loaded; Redis errors propagate."""
    services, agents = live_config()
    if push_live_config(services, agents):
        restored = restore_agent_states()
        log.info("ACD live state rebuilt: %s agents restored.", len(restored))
    return len(services), len(agents)


def sync_live_config() -> None:
    """load_live_config(), with Redis being down logged, not raised: saving configuration must
    keep working, and the next sync (the next save, or beat within a minute) catches up."""
    try:
        load_live_config()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("ACD configuration not loaded into Redis (%s); the next sync will catch up.", exc)
