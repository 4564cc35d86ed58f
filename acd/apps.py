from django.apps import AppConfig


class AcdConfig(AppConfig):
    name = "acd"
    verbose_name = "Routing and ACD"

    def ready(self) -> None:
        # services and guards register themselves; Celery autodiscovery imports only acd.tasks
        from acd import services, signals, tasks_config  # noqa: F401
