"""The four roles and their capabilities (core.roles), as core's migrations create them in the database."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.roles import CAPABILITY_NAMES, GROUP_NAMES, NEEDS, ROLE_CAPABILITIES, Capability, Role

INTEGRATORS = "core.migrations.0003_integrator_role"


def _codenames(group_name: str) -> set[str]:
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_every_role_has_a_group_and_every_capability_a_name_and_a_refusal():
    assert set(GROUP_NAMES) == set(Role) == set(ROLE_CAPABILITIES)
    assert set(CAPABILITY_NAMES) == set(NEEDS) == set(Capability)
    assert Role.INTEGRATOR.group_name == "Integrators" and Role.INTEGRATOR.label == "Integrator"


def test_the_cti_stream_is_the_integrators_only_capability():
    """Integrators, supervisors and administrators read the CTI stream; integrators hold nothing else."""
    assert ROLE_CAPABILITIES[Role.INTEGRATOR] == {Capability.READ_CTI}
    holders = {role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.READ_CTI in capabilities}
    assert holders == {Role.INTEGRATOR, Role.SUPERVISOR, Role.ADMINISTRATOR}
    assert NEEDS[Capability.READ_CTI] == "The CTI event stream is for integrators, supervisors and administrators."


@pytest.mark.django_db
def test_the_migrations_give_each_group_its_capabilities():
    for role in Role:
        assert _codenames(role.group_name) == {c.value for c in ROLE_CAPABILITIES[role]}, role


@pytest.mark.django_db(transaction=True)
def test_the_integrator_migration_reverses_and_applies_again():
    """Back to 0002: no Integrators group, no read_cti for anyone (the others keep the rest); forward again:
    as before."""
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0002_role_groups")])
    try:
        assert not Group.objects.filter(name="Integrators").exists()
        assert _codenames("Supervisors") == {"monitor", "force_agent_state", "view_reports"}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert _codenames("Integrators") == {"read_cti"}
    assert "read_cti" in _codenames("Administrators") and "read_cti" in _codenames("Supervisors")


@pytest.mark.django_db(transaction=True)
def test_seeding_after_a_flush_is_idempotent():
    """tests/conftest.py re-seeds the groups after a flush; seeding again changes nothing."""
    before = {role: _codenames(role.group_name) for role in Role}
    importlib.import_module(INTEGRATORS).seed_groups(apps)
    assert {role: _codenames(role.group_name) for role in Role} == before
    assert Group.objects.filter(name__in=GROUP_NAMES.values()).count() == len(Role)
