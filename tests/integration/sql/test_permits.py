"""The Redis semaphore behind Simultaneous Connections: leases, renewal, expiry and the waiting signal."""

import time
import uuid

import pytest
import redis

from scripts_app.sql.permits import Permits

pytestmark = pytest.mark.integration


@pytest.fixture
def permits(settings):
    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = f"ccweb-test:permits:{uuid.uuid4().hex[:8]}:"
    yield Permits(client, prefix, lease_seconds=0.3)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_no_more_permits_than_the_limit_and_a_release_frees_one(permits):
    assert [permits.try_acquire("db1", f"m{i}", 2) for i in range(3)] == [True, True, False]
    assert permits.try_acquire("db2", "other-database", 2)  # limits are per DatabaseConnection
    permits.release("db1", "m0")
    assert permits.try_acquire("db1", "m2", 2)
    assert permits.holders("db1") == 2


def test_an_unrenewed_lease_expires_and_a_renewed_one_does_not(permits):
    assert permits.try_acquire("db1", "crashed", 2) and permits.try_acquire("db1", "alive", 2)
    for _ in range(4):
        time.sleep(0.1)
        assert permits.renew("db1", ["alive"], 2) == []
    assert permits.holders("db1") == 1  # "crashed" expired after 0.3 s, "alive" was renewed
    assert permits.try_acquire("db1", "new", 2)
    assert not permits.try_acquire("db1", "one-too-many", 2)


def test_an_expired_lease_is_taken_back_if_there_is_room_and_reported_lost_if_not(permits):
    assert permits.try_acquire("db1", "late", 1)
    time.sleep(0.35)
    assert permits.renew("db1", ["late"], 1) == []  # nobody took the room: it holds again
    time.sleep(0.35)
    assert permits.try_acquire("db1", "someone-else", 1)
    assert permits.renew("db1", ["late"], 1) == ["late"]  # its connection must now be closed


def test_waiting_is_seen_by_other_processes_only_until_the_wait_deadline(permits):
    permits.wait("db1", "hostA:1:x:waiter", 0.2)
    assert permits.others_waiting("db1", "hostB:2:y")
    assert not permits.others_waiting("db1", "hostA:1:x")
    time.sleep(0.25)
    assert not permits.others_waiting("db1", "hostB:2:y")
    permits.wait("db1", "hostA:1:x:waiter", 5)
    permits.stop_waiting("db1", "hostA:1:x:waiter")
    assert not permits.others_waiting("db1", "hostB:2:y")
