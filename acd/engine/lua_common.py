"""Lua shared by every ACD script: key names, agent state changes, the two matchers and the
messages to the processes that own calls.

Every script runs these helpers inside ONE EVALSHA, so the pick of (call, agent) and both state
changes are atomic: Redis runs one script at a time, whatever the number of client processes.
Keys are built inside Lua from the prefix (ARGV[1]) because the matcher only learns which
services/agents it touches while it runs; this needs a single Redis node (not Redis Cluster).
"""

COMMON = r"""
local P = ARGV[1]
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
local USEC = tonumber(T[2])
-- stream lengths: owners read their messages within seconds; the cap only bounds a dead owner's backlog
local STREAM_MAX = 10000

local function fail(code, msg) error({err = 'ACD ' .. code .. ' ' .. msg}) end
local function akey(a) return P .. 'agent:' .. a end
local function ckey(c) return P .. 'call:' .. c end
local function skey(s) return P .. 'svc:' .. s end
local function pkey(a) return P .. 'agentq:' .. a end

-- The queue a waiting call sits in: its service's, or the personal queue of one agent.
local function qkey(s, pagent)
  if pagent and pagent ~= '' then return pkey(pagent) end
  return skey(s) .. ':q'
end

-- Global order of events. When the counter is lost (a Redis restart), it starts again from the
-- milliseconds since 2024, above anything handed out before unless more than 1,000 events a
-- second were sustained; restore() raises it past every re-published call anyway.
local function nextseq()
  local v = redis.call('INCR', P .. 'seq')
  if v == 1 then
    v = NOW - 1704067200000
    redis.call('SET', P .. 'seq', v)
  end
  return v
end

local function skills_ok(req, have)
  for k, v in pairs(req) do
    local l = have[k]
    if l == nil or l < v then return false end
  end
  return true
end

local function notify(owner, ...)
  if owner and owner ~= '' then
    redis.call('XADD', P .. 'owner:' .. owner, 'MAXLEN', '~', STREAM_MAX, '*', ...)
  end
end

-- Keeps the per-service 'avail' and 'logged' sets in step with the agent's state, so the
-- matcher never scans agents that cannot take a call. Extra field/value pairs (...) are written
-- in the same HSET. Returns the agent's extension.
-- An agent's hash as the event already read it: {state, services, active, extension, skills}.
-- Read once per event and consumed by the first set_state() (which changes it); cleared before
-- every event, so nothing stale survives an event that failed half-way.
local PRE = {}
local AGENT_FIELDS = {'state', 'services', 'active', 'extension', 'skills'}
local function read_agent(a, ...)
  local h = redis.call('HMGET', akey(a), 'state', 'services', 'active', 'extension', 'skills', ...)
  PRE[a] = h
  return h
end

local function set_state(a, new, code, ...)
  local k = akey(a)
  local h = PRE[a]
  if h then PRE[a] = nil else h = redis.call('HMGET', k, 'state', 'services', 'active', 'extension') end
  local old = h[1]
  if not old then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
  local avail_op, logged_op = nil, nil
  if old == 'available' and new ~= 'available' then avail_op = 'SREM'
  elseif new == 'available' and old ~= 'available' then avail_op = 'SADD' end
  if old == 'logged_out' and new ~= 'logged_out' then logged_op = 'SADD'
  elseif new == 'logged_out' and old ~= 'logged_out' then logged_op = 'SREM' end
  -- the services list is only decoded when a set changes (not on reserved/ringing/on_call/wrap_up)
  if avail_op or logged_op then
    local svcs = cjson.decode(h[3] or h[2])
    if avail_op then
      for _, s in ipairs(svcs) do redis.call(avail_op, skey(s) .. ':avail', a) end
    end
    if logged_op then
      for _, s in ipairs(svcs) do redis.call(logged_op, skey(s) .. ':logged', a) end
    end
  end
  if avail_op == 'SADD' then
    redis.call('HSET', k, 'state', new, 'code', code or '', 'avail_seq', nextseq(), ...)
  else
    redis.call('HSET', k, 'state', new, 'code', code or '', ...)
  end
  -- when the agent entered this state (ms), for "time in state" on the desktop and the wallboard
  if old ~= new then redis.call('HSET', k, 'since', NOW) end
  return h[4]
end

-- The call leaves its queue and waits for `a`. A callback asks for one dial (this attempt) on the
-- originate stream; any other call tells its owner to ring the agent. ring_ms: the service's, when
-- the caller already read it.
local function reserve(c, s, a, trigger, ring_ms)
  local ring = tonumber(ring_ms or redis.call('HGET', skey(s), 'ring_ms') or '15000')
  local exp = NOW + ring
  local ch = redis.call('HMGET', ckey(c), 'pagent', 'kind', 'owner', 'skills')
  redis.call('ZREM', qkey(s, ch[1]), c)
  -- only calls that require skills have an entry in the side hash
  if ch[4] ~= '{}' then redis.call('HDEL', skey(s) .. ':qsk', c) end
  redis.call('HSET', ckey(c), 'state', 'reserved', 'agent', a, 'expires', exp,
             'reserved_seq', nextseq(), 'trigger', trigger)
  redis.call('ZADD', P .. 'reservations', exp, c)
  local ext = set_state(a, 'reserved', '', 'call', c) or ''
  local group = redis.call('HGET', skey(s) .. ':agroup', a) or ''
  if ch[2] == 'callback' then
    local cb = redis.call('HMGET', ckey(c), 'cb', 'cb_idx')
    local dests = cjson.decode(cb[1])
    local attempt = redis.call('HINCRBY', ckey(c), 'cb_try', 1)
    redis.call('XADD', P .. 'originate', 'MAXLEN', '~', STREAM_MAX, '*', 'call', c, 'service', s,
               'agent', a, 'extension', ext, 'group', group,
               'destination', dests[tonumber(cb[2]) + 1], 'attempt', attempt, 'ring_ms', ring)
  else
    notify(ch[3], 'type', 'reserved', 'call', c, 'service', s, 'agent', a, 'extension', ext,
           'group', group, 'agent_queue', ch[1] or '', 'ring_ms', ring)
  end
end

-- A strategy is a sort key: the eligible agent with the smallest key wins; the service order
-- (group position, then agent position) breaks ties so that the result is deterministic.
local function match_call(c, s, skills_json, trigger, pagent)
  if pagent and pagent ~= '' then
    if redis.call('HGET', akey(pagent), 'state') ~= 'available' then return nil end
    reserve(c, s, pagent, trigger)
    return pagent
  end
  local avail = redis.call('SMEMBERS', skey(s) .. ':avail')
  if #avail == 0 then return nil end
  local req = cjson.decode(skills_json)
  local cfg = redis.call('HMGET', skey(s), 'strategy', 'rr', 'ring_ms')
  local strategy = cfg[1]
  local rr = tonumber(cfg[2] or '-1')
  -- the agents' skills matter only when the call requires some (or for best_skill)
  local any_req = next(req) ~= nil
  local best, k1, k2 = nil, nil, nil
  local eligible = {}
  for _, a in ipairs(avail) do
    local h = redis.call('HMGET', akey(a), 'skills', 'last_end', 'handled')
    local have = nil
    if any_req then have = cjson.decode(h[1]) end
    if not any_req or skills_ok(req, have) then
      local order = tonumber(redis.call('ZSCORE', skey(s) .. ':agents', a))
      local x
      if strategy == 'longest_idle' then x = tonumber(h[2])
      elseif strategy == 'fewest_calls' then x = tonumber(h[3])
      elseif strategy == 'best_skill' then
        x = 0
        for sk, _ in pairs(req) do x = x - have[sk] end
      elseif strategy == 'round_robin' then
        -- the next agent after the last one served, wrapping around
        if order > rr then x = 0 else x = 1 end
      else x = 0 end
      if strategy == 'random' then
        table.insert(eligible, {order, a})
      elseif best == nil or x < k1 or (x == k1 and order < k2) then
        best, k1, k2 = a, x, order
      end
    end
  end
  if strategy == 'random' and #eligible > 0 then
    table.sort(eligible, function(p, q) return p[1] < q[1] end)
    local pick = eligible[(USEC + tonumber(redis.call('GET', P .. 'seq') or '0')) % #eligible + 1]
    best, k2 = pick[2], pick[1]
  end
  if best == nil then return nil end
  if strategy == 'round_robin' then redis.call('HSET', skey(s), 'rr', k2) end
  reserve(c, s, best, trigger, cfg[3])
  return best
end

-- The best waiting call this agent can take: lowest score (highest priority, then entered
-- first; the sequence is global, so ages compare across services and the personal queue).
local function match_agent(a)
  local row = PRE[a] or read_agent(a)
  local h = {row[5], row[3], row[2]}  -- skills, active, services
  if not h[3] then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
  -- the agent's skills are decoded only if a call that requires some comes up
  local have = nil
  local best, bestscore, bests = nil, nil, nil
  local own = redis.call('ZRANGE', pkey(a), 0, 0, 'WITHSCORES')
  if #own > 0 then
    best, bestscore = own[1], tonumber(own[2])
    bests = redis.call('HGET', ckey(best), 'service')
  end
  for _, s in ipairs(cjson.decode(h[2] or h[3])) do
    local qk = skey(s) .. ':q'
    local start, size = 0, 2
    local done = false
    while not done do
      -- small pages first: the head of the queue usually decides, and every score returned is
      -- formatted as text by Redis (the bulk of a scan's cost)
      local page = redis.call('ZRANGE', qk, start, start + size - 1, 'WITHSCORES')
      if #page == 0 then break end
      for i = 1, #page, 2 do
        local sc = tonumber(page[i + 1])
        if bestscore ~= nil and sc >= bestscore then done = true; break end
        -- required skills live in a side hash holding only the calls that have some, so the
        -- usual call (no skills) costs one HGET and no JSON decoding
        local req = redis.call('HGET', skey(s) .. ':qsk', page[i])
        if req and not have then have = cjson.decode(h[1]) end
        if not req or skills_ok(cjson.decode(req), have) then
          best, bestscore, bests = page[i], sc, s
          done = true
          break
        end
      end
      start = start + size
      size = 32
    end
  end
  if best == nil then return nil end
  reserve(best, bests, a, 'agent')
  return best
end

-- The agent is ready for a call. One it can take now reserves it straight away (no add to and
-- remove from the services' available sets); otherwise it becomes available. Extra hash fields
-- (e.g. 'last_end', NOW) are written either way. Returns the call reserved, or nil.
local function become_available(a, ...)
  local c = match_agent(a)
  if c then
    if select('#', ...) > 0 then redis.call('HSET', akey(a), ...) end
    return c
  end
  set_state(a, 'available', '', ...)
  return nil
end

-- Put a waiting call (back) in its queue at its score.
local function enter_queue(c, s, score, skills, pagent)
  redis.call('ZADD', qkey(s, pagent), score, c)
  if pagent and pagent ~= '' then redis.call('SADD', P .. 'pqueues', pagent) end
  if (not pagent or pagent == '') and skills ~= '{}' then redis.call('HSET', skey(s) .. ':qsk', c, skills) end
end

-- 1-based position of a waiting call in its queue (0 when not waiting).
local function position(c, s, pagent)
  local r = redis.call('ZRANK', qkey(s, pagent), c)
  if r then return r + 1 end
  return 0
end

-- Remove a call from the ACD altogether (its reservation, queue entry and hash).
local function drop(c, s, pagent)
  redis.call('ZREM', qkey(s, pagent), c)
  redis.call('HDEL', skey(s) .. ':qsk', c)
  redis.call('ZREM', P .. 'reservations', c)
  redis.call('DEL', ckey(c))
end

-- A failed callback attempt: the next attempt, the next destination, or no destination left
-- ('exhausted': the callback is dropped). Returns 'retry' or 'exhausted'.
local function callback_attempt_failed(c, s)
  local ch = redis.call('HMGET', ckey(c), 'cb', 'cb_idx', 'cb_try')
  local attempts = tonumber(redis.call('HGET', skey(s), 'cb_att') or '3')
  if tonumber(ch[3]) >= attempts then
    local idx = tonumber(ch[2]) + 1
    if idx >= #cjson.decode(ch[1]) then return 'exhausted' end
    redis.call('HSET', ckey(c), 'cb_idx', idx, 'cb_try', 0)
  end
  return 'retry'
end

-- The call goes back to ITS place (same score); the agent goes to `after`. Other available
-- agents get the call first: the agent that missed it is not available yet at that point.
-- consume: a callback whose dial failed uses up its attempt; the agent was not at fault, so it is
-- available. Without it (the agent did not answer a callback) the customer was never dialled: the
-- attempt counted at the reservation is given back, and the agent gets the no-answer treatment.
-- Returns (agent now reserved for the call, call now reserved for the agent, callback status).
local function requeue(c, a, after, code, consume)
  local ch = redis.call('HMGET', ckey(c), 'service', 'score', 'skills', 'pagent', 'kind', 'priority', 'seq')
  local s = ch[1]
  -- its place: same time entered, and its priority now (it may have changed while reserved)
  local score = (1100 - (tonumber(redis.call('HGET', skey(s), 'pri') or '0') * 100 + tonumber(ch[6] or '0')))
                * 1e12 + tonumber(ch[7])
  ch[2] = string.format('%.0f', score)
  redis.call('HDEL', akey(a), 'call')
  redis.call('ZREM', P .. 'reservations', c)
  local cbstatus = nil
  if ch[5] == 'callback' then
    if consume then
      after = 'available'
      cbstatus = callback_attempt_failed(c, s)
    else
      local tries = tonumber(redis.call('HGET', ckey(c), 'cb_try') or '0')
      if tries > 0 then redis.call('HSET', ckey(c), 'cb_try', tries - 1) end
    end
  end
  set_state(a, 'released', code)
  local got = nil
  if cbstatus == 'exhausted' then
    drop(c, s, ch[4])
  else
    redis.call('HSET', ckey(c), 'state', 'waiting', 'agent', '', 'expires', '', 'waiting_seq', nextseq(),
               'score', ch[2])
    enter_queue(c, s, ch[2], ch[3], ch[4])
    got = match_call(c, s, ch[3], 'requeue', ch[4])
  end
  local other = nil
  if after == 'available' then other = become_available(a) end
  return got, other, cbstatus
end
"""
