"""Fixtures of the engine's unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts_app.engine.actions import ACTIONS, register
from tests.scripts_app.engine.fake_actions import TEST_ACTIONS


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
