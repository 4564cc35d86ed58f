from django.apps import AppConfig


class ScriptsAppConfig(AppConfig):
    name = "scripts_app"
    verbose_name = "Call control scripts and database interactions"

    def ready(self) -> None:
        from scripts_app import services, signals  # noqa: F401  (registers services and cache invalidation)
