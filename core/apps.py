from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure; an app only for its management commands (ensure_admin, ensure_default_moh)."""

    name = "core"
    verbose_name = "Core"
