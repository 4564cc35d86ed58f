from django.apps import AppConfig


class DesktopConfig(AppConfig):
    """The agent desktop (an edge: it imports the layers below, never another edge)."""

    name = "desktop"
    verbose_name = "Agent desktop"
