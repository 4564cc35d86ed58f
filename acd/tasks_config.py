"""Periodic ACD configuration job (Celery beat); imported by AcdConfig.ready so the worker registers it."""

from celery import shared_task

from acd.services.live_config import sync_live_config
from acd.services.sip_credentials import sync_sip_credentials_quietly


@shared_task(ignore_result=True)
def sync_acd_config() -> None:
    """Reload the routing configuration into the live engine: the safety net behind the after-commit sync."""
    sync_live_config()
    sync_sip_credentials_quietly()  # the agent phones' HA1s, caught up the same way
