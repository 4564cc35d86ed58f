"""A live ACD on its own Redis key prefix and channel group prefix, so tests never touch a running ccweb."""

import uuid

import redis

from acd.engine import configure_services


def use_test_prefixes(settings) -> tuple[redis.Redis, str]:
    """Point the notifier and the engine at fresh prefixes; returns (client, key prefix)."""
    tag = uuid.uuid4().hex[:12]
    settings.ACD_REDIS_PREFIX = f"ccweb:test:{tag}:"
    settings.ACD_LIVE_GROUP_PREFIX = f"ccwebtest.{tag}."
    client = redis.Redis.from_url(settings.REDIS_URL)
    return client, settings.ACD_REDIS_PREFIX


def load_engine(client, prefix, agents, services) -> None:
    """agents: Agent rows; services: {name: [group names in order]}."""
    configure_services(
        client,
        prefix,
        services=[{"name": name, "groups": groups, "ring_timeout": 15} for name, groups in services.items()],
        agents=[{"id": a.number, "groups": [g.name for g in a.groups.all()]} for a in agents],
    )


def drop(client, prefix) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
