from scripts_app.models.database_connection import DatabaseConnection, DatabaseType
from scripts_app.models.script import Script

__all__ = ["DatabaseConnection", "DatabaseType", "Script"]
