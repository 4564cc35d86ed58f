"""A customer database reached over ODBC (System Parameters > External Interfaces > Database Connections)."""

from django.core.validators import MinValueValidator
from django.db import models

from core.crypto import decrypt_secret, encrypt_secret


class DatabaseType(models.TextChoices):
    MYSQL = "mysql", "MySQL/MariaDB"
    POSTGRESQL = "postgresql", "PostgreSQL"
    MSSQL = "mssql", "Microsoft SQL Server"
    SQLITE = "sqlite", "SQLite"
    ORACLE = "oracle", "Oracle"
    OTHER = "other", "Other"


class DatabaseConnection(models.Model):
    name = models.CharField(
        max_length=100, unique=True, help_text="Describes the connection, e.g. Acct_Data for account information."
    )
    dsn = models.CharField(
        "ODBC DSN",
        max_length=1000,
        help_text="A DSN name from odbc.ini, or a full connection string such as "
        "Driver={MariaDB Unicode};Server=db.example.com;Database=crm",
    )
    database_type = models.CharField("Database Type", max_length=12, choices=DatabaseType.choices)
    timeout = models.PositiveIntegerField(
        "Timeout",
        default=30,
        validators=[MinValueValidator(1, "Timeout must be at least 1 second.")],
        help_text="Seconds with no activity before the connection is closed; "
        "also bounds connecting and each statement.",
    )
    username = models.CharField("Username", max_length=128, blank=True)
    password_encrypted = models.TextField(blank=True, editable=False)
    simultaneous_connections = models.PositiveIntegerField(
        "Simultaneous Connections",
        default=4,
        validators=[MinValueValidator(1, "Simultaneous Connections must be at least 1.")],
        help_text="Most connections open to this database at once, across all ccweb processes.",
    )

    unicode_parameters = models.BooleanField(
        "Bind strings as NVARCHAR",
        default=False,
        help_text="Off (the default): text values are sent as VARCHAR, which columns such as the ANI must use. "
        "On: NVARCHAR, for databases whose columns are NVARCHAR.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_connection_string(self) -> bool:
        return "=" in self.dsn

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    def set_password(self, raw: str) -> None:
        self.password_encrypted = encrypt_secret(raw)

    def get_password(self) -> str:
        return decrypt_secret(self.password_encrypted)
