from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call profile and call records"

    def ready(self) -> None:
        from calls import services, signals  # noqa: F401  (registers services and the delete guard)
