"""Real Redis at 127.0.0.1:6379; every test gets its own key prefix and leaves nothing behind."""

import uuid

import pytest
import redis

from acd.engine import AcdEngine, configure_services

REDIS_URL = "redis://127.0.0.1:6379/0"


def new_client() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL)


@pytest.fixture
def client():
    c = new_client()
    try:
        c.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    yield c
    c.close()


@pytest.fixture
def prefix(client):
    p = f"ccweb:test:{uuid.uuid4()}:"
    yield p
    keys = list(client.scan_iter(match=f"{p}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def make_engine(client, prefix):
    """make_engine(services, agents) -> a configured AcdEngine on this test's prefix."""

    def make(services, agents):
        configure_services(client, prefix, services=services, agents=agents)
        return AcdEngine(client, prefix)

    return make


def one_service(strategy="longest_idle", agents=3, ring=15, **extra):
    """A service 's' over group 'g' with agents a1..aN in that order."""
    services = [{"name": "s", "strategy": strategy, "ring_timeout": ring, "groups": ["g"], **extra}]
    return services, [{"id": f"a{i}", "groups": ["g"]} for i in range(1, agents + 1)]
