from celery import shared_task

from acd.shoretelcfg import reload_if_changed


@shared_task(ignore_result=True)
def reload_shoretelcfg() -> None:
    """Apply $CCWEB_CONFIG_DIR/shoretelcfg.ini when it changed (scheduled by beat)."""
    reload_if_changed()
