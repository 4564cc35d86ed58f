"""One Lua script per ACD event; each is COMMON (lua_common.py) followed by its body.

ARGV[1] is always the key prefix. Errors are raised as 'ACD <code> <reason>' and turned into
typed exceptions by engine.py.
"""

from acd.engine.lua_common import COMMON

ENQUEUE_LIB = r"""
local function fmt(x) return string.format('%.0f', x) end

-- Effective priority (0-1099): the service's priority (1-10) ranks first, then the call's (0-99).
local function effective(s, pri)
  return tonumber(redis.call('HGET', skey(s), 'pri') or '0') * 100 + pri
end

local function enqueue_one(c, s, pri, skills, owner, pagent)
  -- every configured service has a strategy: its absence means an unknown service
  local cfg = redis.call('HMGET', skey(s), 'max_len', 'na_kind', 'na_ms', 'pri', 'strategy')
  if not cfg[5] then return {'unknown_service'} end
  if redis.call('EXISTS', ckey(c)) == 1 then fail('duplicate_call', 'call ' .. c .. ' is already in the ACD') end
  if pagent ~= '' then
    if not redis.call('HGET', akey(pagent), 'state') then
      fail('unknown_agent', 'agent ' .. pagent .. ' is not configured')
    end
  else
    -- with a no-agent destination and no timer the call is refused at once (the owner routes
    -- it there); otherwise it waits, and supervise() applies the timer
    if cfg[2] and cfg[2] ~= '' and tonumber(cfg[3] or '0') == 0
       and redis.call('SCARD', skey(s) .. ':logged') == 0 then
      return {'no_agents'}
    end
    local maxlen = tonumber(cfg[1] or '0')
    if maxlen > 0 and redis.call('ZCARD', skey(s) .. ':q') >= maxlen then return {'full'} end
  end
  pri = math.max(0, math.min(99, math.floor(tonumber(pri) or 0)))
  local seq = nextseq()
  -- priority desc then FIFO: lower score first; seq < 1e12 keeps the score exact in a double
  local score = (1100 - (tonumber(cfg[4] or '0') * 100 + pri)) * 1e12 + seq
  redis.call('HSET', ckey(c), 'service', s, 'priority', pri, 'score', fmt(score), 'seq', seq,
             'entered_at', NOW, 'skills', skills, 'owner', owner, 'state', 'waiting',
             'waiting_seq', seq, 'kind', 'call', 'pagent', pagent)
  enter_queue(c, s, score, skills, pagent)
  local a = match_call(c, s, skills, 'enqueue', pagent)
  return {'queued', a or false, fmt(score), NOW}
end
"""


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
_OP_AGENT = r"""
local function op_agent(action, a, code, group)
  group = group or ''
  local row = read_agent(a, 'gsvcs')
  local h = {row[1], row[6]}
  local state = h[1]
  if not state then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
  if not ALLOWED[action] then fail('invalid_action', 'unknown agent action ' .. tostring(action)) end
  if not ALLOWED[action][state] then
    fail('invalid_transition', action .. ' is not allowed while the agent is ' .. state)
  end
  if action == 'login' or action == 'login_ready' then
    if group ~= '' then
      local svcs = cjson.decode(h[2] or '{}')[group]
      if not svcs then fail('invalid_group', 'agent ' .. a .. ' is not a member of group ' .. group) end
      -- the services of that group only, from now until logout
      row[3] = cjson.encode(svcs)
      redis.call('HSET', akey(a), 'active', row[3], 'lgroup', group)
    else
      row[3] = false
      redis.call('HDEL', akey(a), 'active', 'lgroup')
    end
  end
  local target = ({login = 'released', login_ready = 'available', ready = 'available',
                   release = 'released', logout = 'logged_out'})[action]
  if target == 'available' then return become_available(a) or false end
  set_state(a, target, code or '')
  if action == 'logout' then redis.call('HDEL', akey(a), 'active', 'lgroup') end
  return false
end
"""

# ARGV: prefix, call, agent, action (ringing|answered|no_answer|failed), agent state after no answer
_OP_CALL = r"""
local function op_call(c, a, action, after)
local ch = redis.call('HMGET', ckey(c), 'state', 'agent', 'service', 'entered_at')
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
  -- the service's averages: wait of answered calls, and the time between answers (which times
  -- the queue's progress for the expected wait at a position)
  local s = ch[3]
  local st = redis.call('HMGET', skey(s), 'avg_wait', 'last_ans', 'avg_gap')
  local wait = NOW - tonumber(ch[4])
  local avg = wait
  if st[1] then avg = 0.8 * tonumber(st[1]) + 0.2 * wait end
  local gap = st[3]
  if st[2] then
    local g = NOW - tonumber(st[2])
    if gap then gap = 0.8 * tonumber(gap) + 0.2 * g else gap = g end
  end
  if gap then
    redis.call('HSET', skey(s), 'avg_wait', math.floor(avg), 'last_ans', NOW, 'avg_gap', math.floor(gap))
  else
    redis.call('HSET', skey(s), 'avg_wait', math.floor(avg), 'last_ans', NOW)
  end
  return false
end
-- no answer (`after` is the state the agent goes to), or a callback's dial failed ('failed')
if action ~= 'no_answer' and action ~= 'failed' then fail('invalid_transition', 'unknown action ' .. action) end
local got, other, cb = requeue(c, a, after, 'no_answer', action == 'failed')
return {got or false, other or false, cb or false}
end
"""

# ARGV: prefix, call, abandon callback destination ('' for none), force ('1': end a callback too)
# -> {position (0 unless waiting), wait ms, state before, outcome: removed|callback}
_OP_HANGUP = r"""
local function op_hangup(c, abandon_to, force, profile)
abandon_to, force = abandon_to or '', force or ''
local ch = redis.call('HMGET', ckey(c), 'state', 'agent', 'service', 'entered_at', 'pagent', 'kind')
if not ch[1] then fail('unknown_call', 'call ' .. c .. ' is not in the ACD') end
local s, pagent = ch[3], ch[5]
local pos = position(c, s, pagent)
local wait = NOW - tonumber(ch[4])
-- the caller of a callback hung up long ago: the callback keeps its place until it is made
if ch[6] == 'callback' and ch[1] ~= 'connected' and force ~= '1' then
  return {pos, wait, ch[1], 'callback'}
end
if ch[1] == 'waiting' then
  if abandon_to ~= '' and redis.call('HGET', skey(s), 'cb_aband') == '1' then
    redis.call('HSET', ckey(c), 'kind', 'callback', 'owner', '', 'cb', cjson.encode({abandon_to}),
               'cb_idx', 0, 'cb_try', 0, 'cb_last', '', 'abandoned', 1, 'profile', profile or '{}')
    return {pos, wait, 'waiting', 'callback'}
  end
  drop(c, s, pagent)
elseif ch[1] == 'reserved' then
  redis.call('HDEL', akey(ch[2]), 'call')
  drop(c, s, pagent)
  become_available(ch[2])
else
  redis.call('HDEL', akey(ch[2]), 'call')
  redis.call('HSET', akey(ch[2]), 'last_end', NOW)
  set_state(ch[2], 'wrap_up', '')
  redis.call('DEL', ckey(c))
end
return {pos, wait, ch[1], 'removed'}
end
"""

# ARGV: prefix, agent, 'wrap_up'|'available'
_OP_END = r"""
local function op_end(a, after)
local row = read_agent(a, 'call')
local h = {row[1], row[6]}
if not h[1] then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
if h[1] ~= 'on_call' then fail('invalid_transition', 'end call: the agent is ' .. h[1] .. ', not on a call') end
if h[2] then redis.call('DEL', ckey(h[2])) end
redis.call('HDEL', akey(a), 'call')
if after == 'available' then return become_available(a, 'last_end', NOW) or false end
set_state(a, after, '', 'last_end', NOW)
return false
end
"""

# The events that happen on every call, as functions: each has its own script, and EVENTS runs
# any sequence of them in one script call.
_OPS = ENQUEUE_LIB + _ALLOWED_LUA + _OP_AGENT + _OP_CALL + _OP_HANGUP + _OP_END

# ARGV: prefix, call, service, priority, skills json, owner, personal queue agent ('' for none)
ENQUEUE = COMMON + _OPS + "return enqueue_one(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7] or '')"
# ARGV: prefix, action, agent, code, group (login only: '' = every group)
AGENT_ACTION = COMMON + _OPS + "return op_agent(ARGV[2], ARGV[3], ARGV[4], ARGV[5])"
# ARGV: prefix, call, agent, action (ringing|answered|no_answer), agent state after no answer
CALL_ACTION = COMMON + _OPS + "return op_call(ARGV[2], ARGV[3], ARGV[4], ARGV[5])"
# ARGV: prefix, call, abandon callback destination ('' for none), force ('1': end a callback too),
# the call profile json (kept with an abandoned caller's callback)
# -> {position (0 unless waiting), wait ms, state before, outcome: removed|callback}
HANGUP = COMMON + _OPS + "return op_hangup(ARGV[2], ARGV[3], ARGV[4], ARGV[5])"
# ARGV: prefix, agent, 'wrap_up'|'available'
END_CALL = COMMON + _OPS + "return op_end(ARGV[2], ARGV[3])"

# Many events in one script call: one round trip and one prelude for a process that owns many
# calls (its events of the same moment go together). Each event is atomic on its own and checks
# its state before writing anything, so a refused one changes nothing; its error is returned in
# its place as '!<message>' and the others go on.
# ARGV: prefix, then per event: name (enqueue|agent|call|hangup|end), n, n arguments
# -> per event its script's result, or '!<error>'
EVENTS = (
    COMMON
    + _OPS
    + r"""
local OPS = {enqueue = enqueue_one, agent = op_agent, call = op_call, hangup = op_hangup, ['end'] = op_end}
local function one(fn, ...)
  for k in pairs(PRE) do PRE[k] = nil end
  local ok, res = pcall(fn, ...)
  if ok then return res end
  if type(res) == 'table' then return '!' .. tostring(res.err) end
  return '!' .. tostring(res)
end
local out = {}
local i = 2
while i <= #ARGV do
  local fn, n = OPS[ARGV[i]], tonumber(ARGV[i + 1])
  if not fn then fail('invalid_event', 'unknown event ' .. tostring(ARGV[i])) end
  out[#out + 1] = one(fn, unpack(ARGV, i + 2, i + 1 + n))
  i = i + 2 + n
end
return out
"""
)

# ARGV: prefix, now ms (or '' for Redis time), limit -> flat (call, agent, callback status) triples
RECONCILE = (
    COMMON
    + r"""
local now = NOW
if ARGV[2] ~= '' then now = tonumber(ARGV[2]) end
local due = redis.call('ZRANGEBYSCORE', P .. 'reservations', '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, c in ipairs(due) do
  local ch = redis.call('HMGET', ckey(c), 'agent', 'service')
  local a = ch[1]
  if a and a ~= '' then
    -- an expired reservation is a no answer: the service says where the agent goes
    local after = redis.call('HGET', skey(ch[2]), 'after') or 'available'
    -- (for a callback the attempt counts: the dial may have reached the customer before the owner died)
    local _, _, cb = requeue(c, a, after, 'no_answer', true)
    table.insert(out, c); table.insert(out, a); table.insert(out, cb or '')
  else redis.call('ZREM', P .. 'reservations', c) end
end
return out
"""
)
