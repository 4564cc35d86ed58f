"""Fixtures for admin tests: a client logged in as the superuser."""

import pytest
from django.test import Client


@pytest.fixture
def admin_client(admin_user) -> Client:
    """The superuser's browser session (overrides pytest-django's fixture to use tests/conftest.py's user)."""
    client = Client()
    client.force_login(admin_user)
    return client


def inline_management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    """The management-form fields Django's admin posts for an inline formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
