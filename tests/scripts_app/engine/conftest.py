"""Fixtures of the engine's unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts_app.engine.actions import ACTIONS, ValidationEnv, register
from tests.scripts_app.engine.fake_actions import TEST_ACTIONS
from tests.scripts_app.fakes import make_env


@pytest.fixture
def test_actions() -> Iterator[None]:
    """Registers the t_* actions; removes only them afterwards (real actions registered meanwhile stay)."""
    for cls in TEST_ACTIONS:
        register(cls)
    try:
        yield
    finally:
        for cls in TEST_ACTIONS:
            ACTIONS.pop(cls.name, None)


@pytest.fixture
def env() -> ValidationEnv:
    """A validation environment with the fakes' fields, connections, services and scripts."""
    return make_env()
