"""Shared fixtures: uploaded media go to a temporary folder, never into var/; seeded rows survive flushes."""

import importlib
import uuid

import pytest
import redis
from django.conf import settings as django_settings

pytest_plugins = ["tests.sql_databases"]


_SESSION_ACD_PREFIX = f"ccweb:test:{uuid.uuid4().hex[:12]}:"
# core's data migrations that create the role groups, in order (each has a `seed_groups(apps)`).
ROLE_MIGRATIONS = ("0002_role_groups", "0003_integrator_role")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CCWEB_CONFIG_DIR = tmp_path / "config"


@pytest.fixture(autouse=True)
def _acd_test_prefix(settings, _drop_session_acd_keys):
    """Configuration saves load the live ACD after commit: into a test prefix, never a running ccweb's keys.

    Tests that inspect the engine still take their own prefix (tests/acd/live/helpers.py).
    """
    settings.ACD_REDIS_PREFIX = _SESSION_ACD_PREFIX


@pytest.fixture(scope="session")
def _drop_session_acd_keys():
    yield
    try:
        client = redis.Redis.from_url(django_settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{_SESSION_ACD_PREFIX}*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # no Redis, no keys


@pytest.fixture(autouse=True)
def _table_1_after_flush(request):
    """Transactional tests start from a flushed database: put the 43 mandatory profile fields and the role groups back.

    A real installation always has them (data migration), and code that binds %ANI% relies on that.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from calls.models import CallProfileField

    importlib.import_module("acd.migrations.0002_mandatory_profile_fields").seed_rows(CallProfileField)
    from django.apps import apps

    for migration in ROLE_MIGRATIONS:
        importlib.import_module(f"core.migrations.{migration}").seed_groups(apps)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "admin-pass-123")


@pytest.fixture
def role_user(django_user_model):
    """role_user("supervisor") → an active user holding that role (password "<name>-pass-123")."""
    from acd.services.users import assign_role
    from core.roles import Role

    def make(role: str, username: str = "") -> object:
        name = username or f"{role}-user"
        user = django_user_model.objects.create_user(name, f"{name}@example.com", f"{name}-pass-123")
        assign_role(user, Role(role))
        return user

    return make


@pytest.fixture
def engine_agent(settings):
    """Agent 1001 in group g, which serves service Sales, loaded into a live ACD engine of the test's own."""
    from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
    from tests.factories import AgentFactory, GroupFactory

    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="g")
    row = AgentFactory(number="1001")
    row.groups.add(group)
    load_engine(client, prefix, [row], {"Sales": ["g"]})
    yield row
    drop(client, prefix)
