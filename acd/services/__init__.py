"""Write actions for the ACD's configuration; importing this package registers the services."""

from acd.services import agents, service_config  # noqa: F401
