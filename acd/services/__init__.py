"""Write actions for routing configuration; importing this package registers the services."""

from acd.services import agents, profile_fields, routing, system  # noqa: F401
