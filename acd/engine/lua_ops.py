"""One Lua script per ACD event; each is COMMON (lua_common.py) followed by its body.

ARGV[1] is always the key prefix. Errors are raised as 'ACD <code> <reason>' and turned into
typed exceptions by engine.py.
"""

from acd.engine.lua_common import COMMON

_ENQUEUE_ONE = r"""
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
-- no answer, or a callback's dial failed: `after` is the state the agent goes to
local got, other, cb = requeue(c, a, after, 'no_answer')
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
_OPS = _ENQUEUE_ONE + _ALLOWED_LUA + _OP_AGENT + _OP_CALL + _OP_HANGUP + _OP_END

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
    local _, _, cb = requeue(c, a, after, 'no_answer')
    table.insert(out, c); table.insert(out, a); table.insert(out, cb or '')
  else redis.call('ZREM', P .. 'reservations', c) end
end
return out
"""
)

# ARGV: prefix, call, priority (0-99) -> new position (0 when not waiting)
SET_PRIORITY = (
    COMMON
    + _ENQUEUE_ONE
    + r"""
local c = ARGV[2]
local ch = redis.call('HMGET', ckey(c), 'state', 'service', 'seq', 'pagent')
if not ch[1] then fail('unknown_call', 'call ' .. c .. ' is not in the ACD') end
local pri = math.max(0, math.min(99, math.floor(tonumber(ARGV[3]) or 0)))
local score = (1100 - effective(ch[2], pri)) * 1e12 + tonumber(ch[3])
if ch[1] ~= 'waiting' then
  -- reserved or connected: the new priority counts if the call goes back to its queue
  redis.call('HSET', ckey(c), 'priority', pri)
  return 0
end
-- waiting_seq: it waits with this score from now on (what the FIFO checks compare)
redis.call('HSET', ckey(c), 'priority', pri, 'score', fmt(score), 'waiting_seq', nextseq())
-- same sequence number: among calls of its new priority it keeps the time it entered
redis.call('ZADD', qkey(ch[2], ch[4]), score, c)
return position(c, ch[2], ch[4])
"""
)

# ARGV: prefix, call, destinations json list, last time to initiate (ms epoch, '' none), the call
# profile json (for the agent and the dialer when the callback is made) -> position
CALLBACK = (
    COMMON
    + r"""
local c = ARGV[2]
local ch = redis.call('HMGET', ckey(c), 'state', 'service', 'pagent', 'kind')
if not ch[1] then fail('unknown_call', 'call ' .. c .. ' is not in the ACD') end
if ch[1] ~= 'waiting' then
  fail('invalid_transition', 'callback: call ' .. c .. ' is ' .. ch[1] .. ', not waiting in a queue')
end
local dests = cjson.decode(ARGV[3])
if #dests == 0 then fail('invalid_callback', 'a callback needs at least one destination') end
redis.call('HSET', ckey(c), 'kind', 'callback', 'owner', '', 'cb', ARGV[3], 'cb_idx', 0, 'cb_try', 0,
           'cb_last', ARGV[4], 'profile', ARGV[5] or '{}')
return position(c, ch[2], ch[3])
"""
)

# ARGV: prefix, call, json {service, score, seq, entered_at, skills, owner, pagent, kind, priority,
#       cb, cb_idx, cb_try, cb_last, state: waiting|connected, agent}
# -> {'restored'|'exists'|'unknown_service'|'unknown_agent', agent reserved at once or ''}
RESTORE = (
    COMMON
    + r"""
local c = ARGV[2]
local r = cjson.decode(ARGV[3])
if redis.call('EXISTS', ckey(c)) == 1 then return {'exists', ''} end
local s = r.service
if redis.call('EXISTS', skey(s)) == 0 then return {'unknown_service', ''} end
local seq = tonumber(r.seq)
if tonumber(redis.call('GET', P .. 'seq') or '0') < seq then redis.call('SET', P .. 'seq', seq) end
local fields = {'service', s, 'priority', r.priority or 0, 'score', r.score, 'seq', r.seq,
                'entered_at', r.entered_at, 'skills', r.skills or '{}', 'owner', r.owner or '',
                'waiting_seq', seq, 'kind', r.kind or 'call', 'pagent', r.pagent or ''}
if r.kind == 'callback' then
  for _, f in ipairs({'cb', 'cb_idx', 'cb_try', 'cb_last', 'profile'}) do
    table.insert(fields, f); table.insert(fields, r[f] or '')
  end
end
if r.state == 'connected' then
  local a = r.agent or ''
  local st = redis.call('HGET', akey(a), 'state')
  if not st then return {'unknown_agent', ''} end
  table.insert(fields, 'state'); table.insert(fields, 'connected')
  table.insert(fields, 'agent'); table.insert(fields, a)
  redis.call('HSET', ckey(c), unpack(fields))
  set_state(a, 'on_call', '')
  redis.call('HSET', akey(a), 'call', c)
  return {'restored', ''}
end
table.insert(fields, 'state'); table.insert(fields, 'waiting')
redis.call('HSET', ckey(c), unpack(fields))
enter_queue(c, s, tonumber(r.score), r.skills or '{}', r.pagent or '')
local got = match_call(c, s, r.skills or '{}', 'restore', r.pagent or '')
return {'restored', got or ''}
"""
)

_SUPERVISE_LIB = r"""
local OUT = {}
local function report(...) for _, v in ipairs({...}) do table.insert(OUT, v) end end

-- Leave the queue for `kind`/`target`: another service keeps the call in the ACD (same time
-- entered, so it ranks by age there); anything else hands it back to its owner to route.
local function divert(c, s, h, why, kind, target, pos, now)
  local wait = now - tonumber(h.entered_at)
  if kind == 'service' and (target ~= s or h.pagent ~= '') and redis.call('EXISTS', skey(target)) == 1 then
    redis.call('ZREM', qkey(s, h.pagent), c)
    redis.call('HDEL', skey(s) .. ':qsk', c)
    local pri = tonumber(h.priority or '0')
    local score = (1100 - (tonumber(redis.call('HGET', skey(target), 'pri') or '0') * 100 + pri)) * 1e12
                  + tonumber(h.seq)
    redis.call('HSET', ckey(c), 'service', target, 'pagent', '', 'score', string.format('%.0f', score),
               'nosince', '', 'last_pos', '', 'waiting_seq', nextseq())
    enter_queue(c, target, score, h.skills, '')
    notify(h.owner, 'type', 'moved', 'call', c, 'reason', why, 'from', s, 'service', target)
    match_call(c, target, h.skills, why, '')
  else
    drop(c, s, h.pagent)
    notify(h.owner, 'type', why, 'call', c, 'service', s, 'kind', kind, 'target', target)
  end
  report(c, why, pos, wait, kind, target)
end

local SKILLCACHE = {}
-- Can any logged-in agent of the queue take a call needing these skills?
local function servable(s, pagent, skills)
  if pagent ~= '' then
    local st = redis.call('HGET', akey(pagent), 'state')
    return st and st ~= 'logged_out'
  end
  if SKILLCACHE[skills] ~= nil then return SKILLCACHE[skills] end
  local ok = false
  if skills == '{}' then
    ok = redis.call('SCARD', skey(s) .. ':logged') > 0
  else
    local req = cjson.decode(skills)
    for _, a in ipairs(redis.call('SMEMBERS', skey(s) .. ':logged')) do
      if skills_ok(req, cjson.decode(redis.call('HGET', akey(a), 'skills'))) then ok = true; break end
    end
  end
  SKILLCACHE[skills] = ok
  return ok
end

local FIELDS = {'entered_at', 'owner', 'skills', 'kind', 'nosince', 'last_pos', 'cb_last', 'seq',
                'priority', 'service'}
local CFG = {}
local function service_cfg(s)
  if CFG[s] == nil then
    local v = redis.call('HMGET', skey(s), 'mqt_ms', 'ovf_kind', 'ovf_target', 'na_kind', 'na_target',
                         'na_ms', 'avg_gap', 'avg_wait')
    CFG[s] = {mqt = tonumber(v[1] or '0'), ovf_kind = v[2] or '', ovf_target = v[3] or '',
              na_kind = v[4] or '', na_target = v[5] or '', na_ms = tonumber(v[6] or '0'),
              gap = tonumber(v[7] or '0'), avg_wait = v[8] or ''}
  end
  return CFG[s]
end

-- One queue: a service's (pagent '') or an agent's personal queue, whose calls each follow the
-- rules of their own service.
local function supervise_queue(qk, pagent, now)
  local pos = 0
  for _, c in ipairs(redis.call('ZRANGE', qk, 0, -1)) do
    local v = redis.call('HMGET', ckey(c), unpack(FIELDS))
    local h = {}
    for i, f in ipairs(FIELDS) do h[f] = v[i] or '' end
    h.pagent = pagent
    local s = h.service
    local cfg = service_cfg(s)
    local waited = now - tonumber(h.entered_at)
    local done = false
    if h.kind == 'callback' and h.cb_last ~= '' and now > tonumber(h.cb_last) then
      drop(c, s, pagent)
      report(c, 'expired', pos + 1, waited, '', '')
      done = true
    elseif pagent == '' and cfg.mqt > 0 and cfg.ovf_kind ~= '' and waited >= cfg.mqt then
      divert(c, s, h, 'overflowed', cfg.ovf_kind, cfg.ovf_target, pos + 1, now)
      done = true
    elseif not servable(s, pagent, h.skills) then
      if h.nosince == '' then
        redis.call('HSET', ckey(c), 'nosince', now)
      elseif pagent ~= '' and now - tonumber(h.nosince) >= cfg.na_ms then
        -- the agent of a personal queue is gone: the call waits for the service's agents instead
        divert(c, s, h, 'no_agent', 'service', s, pos + 1, now)
        done = true
      elseif pagent == '' and cfg.na_kind ~= '' and now - tonumber(h.nosince) >= cfg.na_ms then
        divert(c, s, h, 'no_agent', cfg.na_kind, cfg.na_target, pos + 1, now)
        done = true
      end
    elseif h.nosince ~= '' then
      redis.call('HSET', ckey(c), 'nosince', '')
    end
    if not done then
      pos = pos + 1
      if h.owner ~= '' and tostring(pos) ~= h.last_pos then
        redis.call('HSET', ckey(c), 'last_pos', pos)
        notify(h.owner, 'type', 'position', 'call', c, 'service', s, 'position', pos,
               'expected_ms', pos * cfg.gap, 'avg_wait_ms', cfg.avg_wait)
      end
    end
  end
end
"""

# ARGV: prefix, service ('' = every personal agent queue), now ms ('' = Redis time)
# -> flat (call, reason, position, wait ms, destination kind, destination) sextuples for every call
#    that left its queue: overflowed, no_agent, expired (a callback past its last time)
SUPERVISE = (
    COMMON
    + _SUPERVISE_LIB
    + r"""
local s = ARGV[2]
local now = NOW
if ARGV[3] ~= '' then now = tonumber(ARGV[3]) end
if s ~= '' then
  if redis.call('EXISTS', skey(s)) == 1 then supervise_queue(skey(s) .. ':q', '', now) end
  return OUT
end
for _, a in ipairs(redis.call('SMEMBERS', P .. 'pqueues')) do
  if redis.call('ZCARD', pkey(a)) == 0 then
    redis.call('SREM', P .. 'pqueues', a)
  else
    supervise_queue(pkey(a), a, now)
  end
end
return OUT
"""
)
