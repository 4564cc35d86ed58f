"""The ACD's periodic job: scheduled every second by beat, and runnable against a real Redis."""

import uuid

import pytest
from django.conf import settings

from acd.tasks import reconcile_acd

pytestmark = pytest.mark.django_db


def test_beat_schedules_the_acd_reconciliation():
    from ccweb.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["reconcile-acd"]
    assert entry["task"] in app.tasks and entry["schedule"] <= 1.0


@pytest.mark.integration
def test_reconcile_job_runs_on_an_empty_acd(settings):
    settings.ACD_REDIS_PREFIX = f"ccweb:test:{uuid.uuid4().hex}:"
    assert reconcile_acd.apply().successful()
