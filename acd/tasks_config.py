"""Periodic ACD configuration job (Celery beat); imported by AcdConfig.ready so the worker registers it."""

from celery import shared_task

from acd.services.live_config import sync_live_config


@shared_task(ignore_result=True)
def sync_acd_config() -> None:
    """Reload the routing configuration into the live engine: the safety net behind the after-commit sync."""
    sync_live_config()
