from scripts_app.models.database_connection import DatabaseConnection, DatabaseType
from scripts_app.models.parameters import validate_script_parameters
from scripts_app.models.script import Script
from scripts_app.models.script_version import ScriptVersion

__all__ = ["DatabaseConnection", "DatabaseType", "Script", "ScriptVersion", "validate_script_parameters"]
