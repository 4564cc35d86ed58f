from django.apps import AppConfig


class AcdConfig(AppConfig):
    name = "acd"
    verbose_name = "ACD"

    def ready(self) -> None:
        # services register themselves; Celery autodiscovery imports only acd.tasks
        from acd import access_signals, services, tasks_config  # noqa: F401
