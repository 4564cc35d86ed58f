"""Periodic ACD jobs (Celery beat): thin wrappers over the services."""

from celery import shared_task

from acd.services.acd_calls import reconcile_reservations, supervise_queues
from acd.services.agent_states import end_expired_wrap_ups
from calls.shoretelcfg import reload_if_changed


@shared_task(ignore_result=True)
def reload_shoretelcfg() -> None:
    """Apply $CCWEB_CONFIG_DIR/shoretelcfg.ini when it changed (scheduled by beat)."""
    reload_if_changed()


@shared_task(ignore_result=True)
def reconcile_acd() -> None:
    """Free reservations past their ring timeout (so no agent stays stuck), apply the queue rules
    (overflow, no-agent timer, callback last time, positions to owners) and end expired wrap-ups."""
    reconcile_reservations()
    supervise_queues()
    end_expired_wrap_ups()
