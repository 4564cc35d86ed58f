"""One Lua script per ACD event; each is COMMON (lua_common.py) followed by its body.

ARGV[1] is always the key prefix. Errors are raised as 'ACD <code> <reason>' and turned into
typed exceptions by engine.py.
"""

from acd.engine.lua_common import COMMON

_ENQUEUE_ONE = r"""
local function enqueue_one(c, s, pri, skills, owner)
  if redis.call('EXISTS', skey(s)) == 0 then return {'unknown_service'} end
  if redis.call('EXISTS', ckey(c)) == 1 then fail('duplicate_call', 'call ' .. c .. ' is already in the ACD') end
  if redis.call('SCARD', skey(s) .. ':logged') == 0 then return {'no_agents'} end
  local maxlen = tonumber(redis.call('HGET', skey(s), 'max_len') or '0')
  if maxlen > 0 and redis.call('ZCARD', skey(s) .. ':q') >= maxlen then return {'full'} end
  pri = math.max(0, math.min(999, tonumber(pri)))
  local seq = nextseq()
  -- priority desc then FIFO: lower score first; seq < 1e12 keeps the score exact in a double
  local score = (999 - pri) * 1e12 + seq
  redis.call('HSET', ckey(c), 'service', s, 'priority', pri, 'score', string.format('%.0f', score),
             'seq', seq, 'entered_at', NOW, 'skills', skills, 'owner', owner, 'state', 'waiting',
             'waiting_seq', seq)
  redis.call('ZADD', skey(s) .. ':q', score, c)
  if skills ~= '{}' then redis.call('HSET', skey(s) .. ':qsk', c, skills) end
  local a = match_call(c, s, skills, 'enqueue')
  return {'queued', a or false}
end
"""

# ARGV: prefix, call, service, priority, skills json, owner
ENQUEUE = COMMON + _ENQUEUE_ONE + "return enqueue_one(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])"

# Batches: many events in one script call (one round trip, one prelude). Each event checks its
# state before writing anything, so a refused event changes nothing; its error is returned in
# its place as '!<message>' instead of aborting the batch.
_BATCH = r"""
local function one(fn, ...)
  local ok, res = pcall(fn, ...)
  if ok then return res end
  if type(res) == 'table' then return '!' .. tostring(res.err) end
  return '!' .. tostring(res)
end
"""
# ARGV: prefix, then (call, service, priority) triples -> flat status, agent ('' if none) pairs
ENQUEUE_BATCH = (
    COMMON
    + _ENQUEUE_ONE
    + _BATCH
    + r"""
local out = {}
for i = 2, #ARGV, 3 do
  local r = one(enqueue_one, ARGV[i], ARGV[i + 1], ARGV[i + 2], '{}', '')
  if type(r) == 'string' then table.insert(out, r); table.insert(out, '')
  else table.insert(out, r[1]); table.insert(out, r[2] or '') end
end
return out
"""
)

# ARGV: prefix, action, agent, code
_ALLOWED = {
    "login": ["logged_out"],
    "login_ready": ["logged_out"],
    "ready": ["released", "wrap_up"],
    "release": ["available", "released", "wrap_up"],
    "logout": ["available", "released", "wrap_up"],
}
_ALLOWED_LUA = (
    "local ALLOWED = {"
    + ", ".join(f"{k} = {{{', '.join(f'{s} = 1' for s in v)}}}" for k, v in _ALLOWED.items())
    + "}\n"
)
AGENT_ACTION = (
    COMMON
    + _ALLOWED_LUA
    + r"""
local action, a = ARGV[2], ARGV[3]
local state = redis.call('HGET', akey(a), 'state')
if not state then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
if not ALLOWED[action][state] then
  fail('invalid_transition', action .. ' is not allowed while the agent is ' .. state)
end
local target = ({login = 'released', login_ready = 'available', ready = 'available',
                 release = 'released', logout = 'logged_out'})[action]
set_state(a, target, ARGV[4])
if target == 'available' then return match_agent(a) or false end
return false
"""
)

# ARGV: prefix, agents… -> per agent the call reserved, '' or '!<error>'
READY_BATCH = (
    COMMON
    + _ALLOWED_LUA
    + _BATCH
    + r"""
local function ready(a)
  local state = redis.call('HGET', akey(a), 'state')
  if not state then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
  if not ALLOWED.ready[state] then fail('invalid_transition', 'ready is not allowed while the agent is ' .. state) end
  set_state(a, 'available', '')
  return match_agent(a) or ''
end
local out = {}
for i = 2, #ARGV do table.insert(out, one(ready, ARGV[i])) end
return out
"""
)

# ARGV: prefix, call, agent, new call state, new agent state
CALL_ACTION = (
    COMMON
    + r"""
local c, a, action = ARGV[2], ARGV[3], ARGV[4]
local ch = redis.call('HMGET', ckey(c), 'state', 'agent')
if not ch[1] then fail('unknown_call', 'call ' .. c .. ' is not in the ACD') end
if ch[1] ~= 'reserved' or ch[2] ~= a then
  fail('invalid_transition', action .. ': call ' .. c .. ' is ' .. ch[1] .. ', not reserved for agent ' .. a)
end
if action == 'ringing' then
  set_state(a, 'ringing', '')
  return false
elseif action == 'answered' then
  redis.call('HSET', ckey(c), 'state', 'connected')
  redis.call('ZREM', P .. 'reservations', c)
  set_state(a, 'on_call', '')
  redis.call('HINCRBY', akey(a), 'handled', 1)
  return false
end
-- no answer: ARGV[5] is the state the agent goes to
local got, other = requeue(c, a, ARGV[5], 'no_answer')
return {got or false, other or false}
"""
)

# ARGV: prefix, call -> {position (0 unless waiting), wait ms, state}
HANGUP = (
    COMMON
    + r"""
local c = ARGV[2]
local ch = redis.call('HMGET', ckey(c), 'state', 'agent', 'service', 'entered_at')
if not ch[1] then fail('unknown_call', 'call ' .. c .. ' is not in the ACD') end
local pos = 0
if ch[1] == 'waiting' then
  pos = redis.call('ZRANK', skey(ch[3]) .. ':q', c) + 1
  redis.call('ZREM', skey(ch[3]) .. ':q', c)
  redis.call('HDEL', skey(ch[3]) .. ':qsk', c)
elseif ch[1] == 'reserved' then
  redis.call('ZREM', P .. 'reservations', c)
  redis.call('HDEL', akey(ch[2]), 'call')
  set_state(ch[2], 'available', '')
  match_agent(ch[2])
else
  redis.call('HDEL', akey(ch[2]), 'call')
  redis.call('HSET', akey(ch[2]), 'last_end', NOW)
  set_state(ch[2], 'wrap_up', '')
end
redis.call('DEL', ckey(c))
return {pos, NOW - tonumber(ch[4]), ch[1]}
"""
)

# ARGV: prefix, agent, 'wrap_up'|'available'
END_CALL = (
    COMMON
    + r"""
local a, after = ARGV[2], ARGV[3]
local h = redis.call('HMGET', akey(a), 'state', 'call')
if not h[1] then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
if h[1] ~= 'on_call' then fail('invalid_transition', 'end call: the agent is ' .. h[1] .. ', not on a call') end
if h[2] then redis.call('DEL', ckey(h[2])) end
redis.call('HDEL', akey(a), 'call')
redis.call('HSET', akey(a), 'last_end', NOW)
set_state(a, after, '')
if after == 'available' then return match_agent(a) or false end
return false
"""
)

# ARGV: prefix, now ms (or '' for Redis time), limit -> flat list of freed call ids
RECONCILE = (
    COMMON
    + r"""
local now = NOW
if ARGV[2] ~= '' then now = tonumber(ARGV[2]) end
local due = redis.call('ZRANGEBYSCORE', P .. 'reservations', '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, c in ipairs(due) do
  local ch = redis.call('HMGET', ckey(c), 'agent', 'service')
  local a = ch[1]
  if a and a ~= '' then
    -- an expired reservation is a no answer: the service says where the agent goes
    local after = redis.call('HGET', skey(ch[2]), 'after') or 'available'
    requeue(c, a, after, 'no_answer')
  else redis.call('ZREM', P .. 'reservations', c) end
end
return due
"""
)
