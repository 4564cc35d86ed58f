"""scripts_app.tasks on the caller's side: typed errors for every way the worker does not answer, and no
answer left behind in Redis (the Celery task objects are faked; tests/integration/test_sql_worker.py runs
a real worker)."""

import threading

import pytest
from celery.exceptions import TaskRevokedError
from celery.exceptions import TimeoutError as CeleryTimeout

from scripts_app import tasks
from scripts_app.sql.types import SqlError, SqlErrorKind


class FakeResult:
    def __init__(self, answer=None, raises=None):
        self.answer, self.raises = answer, raises
        self.revoked = self.forgotten = False
        self.waited = None

    def get(self, *, timeout, propagate, disable_sync_subtasks):
        self.waited = timeout
        if self.raises is not None:
            raise self.raises
        return self.answer

    def revoke(self):
        self.revoked = True

    def forget(self):
        self.forgotten = True


class FakeTask:
    def __init__(self, outcome: FakeResult):
        self.outcome = outcome
        self.sent = []

    def apply_async(self, args, *, queue, expires):
        self.sent.append((args, queue, expires))
        return self.outcome


@pytest.fixture
def fake(monkeypatch):
    # the answer is deleted by a background thread: here at once, so that the test sees it
    monkeypatch.setattr(tasks, "forget_later", lambda result: result.forget())

    def install(name, outcome):
        task = FakeTask(outcome)
        monkeypatch.setattr(tasks, name, task)
        return task

    return install


ERROR = {"kind": "auth", "message": "Login failed for CRM.", "sqlstate": "28000", "driver_message": "x", "issues": []}


def test_a_connect_check_is_sent_to_the_sql_queue_and_its_answer_deleted(fake):
    answer = FakeResult({"ok": True})
    task = fake("check_sql_connection", answer)
    tasks.check_connection_in_worker(3, timeout=5)
    assert task.sent == [((3,), "sql", 5)] and answer.waited == 5.5 and answer.forgotten


def test_a_connect_check_that_fails_raises_the_workers_typed_error(fake):
    fake("check_sql_connection", FakeResult({"ok": False, "error": ERROR}))
    with pytest.raises(SqlError, match="Login failed") as raised:
        tasks.check_connection_in_worker(3, timeout=5)
    assert raised.value.kind is SqlErrorKind.AUTH and raised.value.sqlstate == "28000"


def test_no_answer_in_time_is_a_timeout_without_a_revoke_broadcast(fake):
    """The job's `expires` keeps it from starting late; a revoke per timeout would only load the workers."""
    outcome = FakeResult(raises=CeleryTimeout("The operation timed out."))
    fake("run_sql", outcome)
    with pytest.raises(SqlError, match="No SQL worker answered within 2 s") as raised:
        tasks.run_sql_in_worker(3, "SELECT 1", {}, timeout=2)
    assert raised.value.kind is SqlErrorKind.TIMEOUT and not outcome.revoked and outcome.forgotten


def test_a_job_that_expired_in_the_queue_is_a_timeout(fake):
    fake("run_sql", FakeResult(raises=TaskRevokedError("expired")))
    with pytest.raises(SqlError, match="No SQL worker was free within 2 s") as raised:
        tasks.run_sql_in_worker(3, "SELECT 1", {}, timeout=2)
    assert raised.value.kind is SqlErrorKind.TIMEOUT


def test_answers_are_deleted_by_a_background_thread():
    deleted = threading.Event()

    class Answer:
        def forget(self):
            deleted.set()

    tasks.forget_later(Answer())
    assert deleted.wait(5)
