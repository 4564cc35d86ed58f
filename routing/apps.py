from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing (IRNs and DNIS)"

    def ready(self) -> None:
        from routing import services  # noqa: F401  (registers the IRN and DNIS services, plugs routing in)
