"""Shared fixtures: uploaded media go to a temporary folder, never into var/."""

import pytest

pytest_plugins = ["tests.sql_databases"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CCWEB_CONFIG_DIR = tmp_path / "config"


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "admin-pass-123")
