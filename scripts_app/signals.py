"""Configuration changes reach the SQL layer's per-process caches and pools."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from calls.models import CallProfileField
from scripts_app.models import DatabaseConnection
from scripts_app.sql import gateway


@receiver([post_save, post_delete], sender=CallProfileField)
@receiver([post_save, post_delete], sender=DatabaseConnection)
def forget_sql_configuration(sender: type, **kwargs: Any) -> None:

    # Now for this process's own reads, and again after commit for what other threads cached meanwhile.
    gateway.forget_cached_configuration()
    transaction.on_commit(gateway.forget_cached_configuration)
