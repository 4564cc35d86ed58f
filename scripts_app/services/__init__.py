"""Write actions for scripts and database connections; importing this package registers them."""

from scripts_app.services import database_connections, scripts  # noqa: F401
