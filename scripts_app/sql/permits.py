"""The Redis semaphore behind every pool: one permit per open connection, held as a renewable lease.

Atomic Lua scripts, so that processes on several hosts never open more than the limit between them;
a crashed process's permits expire with their lease.
"""

from __future__ import annotations

from typing import Any

# KEYS[1] permits (zset member -> lease expiry, ms); ARGV: member, limit, lease_ms
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 1
"""
# KEYS[1] permits; ARGV: limit, lease_ms, members… -> members that were lost (expired and no room left)
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lost = {}
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[i])
  elseif redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
if #ARGV > 2 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2) end
return lost
"""
# KEYS[1] waiting (zset member -> wait deadline, ms); ARGV: member, remaining_ms
_WAIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
return 1
"""
# KEYS[1] waiting; ARGV: this process's prefix -> 1 when someone else waits
_OTHERS_WAITING = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, string.len(ARGV[1])) ~= ARGV[1] then return 1 end
end
return 0
"""


class Permits:
    """The Redis semaphore. Keys: `<prefix>{<key>}:permits` and `<prefix>{<key>}:waiting`."""

    def __init__(self, client: Any, prefix: str, lease_seconds: float) -> None:
        self.client = client
        self.prefix = prefix
        self.lease_ms = int(lease_seconds * 1000)
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)
        self._wait = client.register_script(_WAIT)
        self._others = client.register_script(_OTHERS_WAITING)

    def _key(self, key: str, what: str) -> str:
        return f"{self.prefix}{{{key}}}:{what}"

    def try_acquire(self, key: str, member: str, limit: int) -> bool:
        return bool(self._acquire(keys=[self._key(key, "permits")], args=[member, limit, self.lease_ms]))

    def renew(self, key: str, members: list[str], limit: int) -> list[str]:
        lost = self._renew(keys=[self._key(key, "permits")], args=[limit, self.lease_ms, *members])
        return [m.decode() if isinstance(m, bytes) else m for m in lost]

    def release(self, key: str, member: str) -> None:
        self.client.zrem(self._key(key, "permits"), member)

    def holders(self, key: str) -> int:
        """Permits currently held (unexpired), by every process."""
        now_s, now_us = self.client.time()
        return int(self.client.zcount(self._key(key, "permits"), now_s * 1000 + now_us // 1000 + 1, "+inf"))

    def wait(self, key: str, member: str, remaining: float) -> None:
        self._wait(keys=[self._key(key, "waiting")], args=[member, max(1, int(remaining * 1000))])

    def stop_waiting(self, key: str, member: str) -> None:
        self.client.zrem(self._key(key, "waiting"), member)

    def others_waiting(self, key: str, own_prefix: str) -> bool:
        return bool(self._others(keys=[self._key(key, "waiting")], args=[own_prefix]))
