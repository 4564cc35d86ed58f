"""Lua of the service rules and recovery: priority changes, callbacks, supervise() and restore().

Each script is COMMON (lua_common.py) followed by its body; ARGV[1] is the key prefix.
"""

from acd.engine.lua_common import COMMON
from acd.engine.lua_ops import ENQUEUE_LIB

# ARGV: prefix, call, priority (0-99) -> new position (0 when not waiting)
SET_PRIORITY = (
    COMMON
    + ENQUEUE_LIB
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
