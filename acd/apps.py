from django.apps import AppConfig


class AcdConfig(AppConfig):
    name = "acd"
    verbose_name = "Routing and ACD"

    def ready(self) -> None:
        from acd import services, signals  # noqa: F401  (registers services and guards)
