"""Write actions for the call profile and System > Misc; importing this package registers the services."""

from calls.services import profile_fields, system  # noqa: F401
