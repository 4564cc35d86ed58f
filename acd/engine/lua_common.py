"""Lua shared by every ACD script: key names, agent state changes and the two matchers.

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

local function fail(code, msg) error({err = 'ACD ' .. code .. ' ' .. msg}) end
local function akey(a) return P .. 'agent:' .. a end
local function ckey(c) return P .. 'call:' .. c end
local function skey(s) return P .. 'svc:' .. s end
local function nextseq() return redis.call('INCR', P .. 'seq') end

local function skills_ok(req, have)
  for k, v in pairs(req) do
    local l = have[k]
    if l == nil or l < v then return false end
  end
  return true
end

-- Keeps the per-service 'avail' and 'logged' sets in step with the agent's state, so the
-- matcher never scans agents that cannot take a call.
local function set_state(a, new, code)
  local k = akey(a)
  local h = redis.call('HMGET', k, 'state', 'services')
  local old = h[1]
  if not old then fail('unknown_agent', 'agent ' .. a .. ' is not configured') end
  local svcs = cjson.decode(h[2])
  if old == 'available' and new ~= 'available' then
    for _, s in ipairs(svcs) do redis.call('SREM', skey(s) .. ':avail', a) end
  elseif new == 'available' and old ~= 'available' then
    for _, s in ipairs(svcs) do redis.call('SADD', skey(s) .. ':avail', a) end
    redis.call('HSET', k, 'avail_seq', nextseq())
  end
  if old == 'logged_out' and new ~= 'logged_out' then
    for _, s in ipairs(svcs) do redis.call('SADD', skey(s) .. ':logged', a) end
  elseif new == 'logged_out' and old ~= 'logged_out' then
    for _, s in ipairs(svcs) do redis.call('SREM', skey(s) .. ':logged', a) end
  end
  redis.call('HSET', k, 'state', new, 'code', code or '')
end

local function reserve(c, s, a, trigger)
  local ring = tonumber(redis.call('HGET', skey(s), 'ring_ms'))
  local exp = NOW + ring
  redis.call('ZREM', skey(s) .. ':q', c)
  redis.call('HDEL', skey(s) .. ':qsk', c)
  redis.call('HSET', ckey(c), 'state', 'reserved', 'agent', a, 'expires', exp,
             'reserved_seq', nextseq(), 'trigger', trigger)
  redis.call('ZADD', P .. 'reservations', exp, c)
  set_state(a, 'reserved', '')
  redis.call('HSET', akey(a), 'call', c)
end

-- A strategy is a sort key: the eligible agent with the smallest key wins; the service order
-- (group position, then agent position) breaks ties so that the result is deterministic.
local function match_call(c, s, skills_json, trigger)
  local avail = redis.call('SMEMBERS', skey(s) .. ':avail')
  if #avail == 0 then return nil end
  local req = cjson.decode(skills_json)
  local cfg = redis.call('HMGET', skey(s), 'strategy', 'rr')
  local strategy = cfg[1]
  local rr = tonumber(cfg[2] or '-1')
  local best, k1, k2 = nil, nil, nil
  local eligible = {}
  for _, a in ipairs(avail) do
    local h = redis.call('HMGET', akey(a), 'skills', 'last_end', 'handled')
    local have = cjson.decode(h[1])
    if skills_ok(req, have) then
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
  reserve(c, s, best, trigger)
  return best
end

-- The best waiting call this agent can take: lowest score (highest priority, then entered
-- first; the sequence is global, so ages compare across services).
local function match_agent(a)
  local h = redis.call('HMGET', akey(a), 'skills', 'services')
  local have = cjson.decode(h[1])
  local best, bestscore, bests = nil, nil, nil
  for _, s in ipairs(cjson.decode(h[2])) do
    local qk = skey(s) .. ':q'
    local start = 0
    local done = false
    while not done do
      local page = redis.call('ZRANGE', qk, start, start + 31, 'WITHSCORES')
      if #page == 0 then break end
      for i = 1, #page, 2 do
        local sc = tonumber(page[i + 1])
        if bestscore ~= nil and sc >= bestscore then done = true; break end
        -- required skills live in a side hash holding only the calls that have some, so the
        -- usual call (no skills) costs one HGET and no JSON decoding
        local req = redis.call('HGET', skey(s) .. ':qsk', page[i])
        if not req or skills_ok(cjson.decode(req), have) then
          best, bestscore, bests = page[i], sc, s
          done = true
          break
        end
      end
      start = start + 32
    end
  end
  if best == nil then return nil end
  reserve(best, bests, a, 'agent')
  return best
end

-- The call goes back to ITS place (same score); the agent goes to `after`. Other available
-- agents get the call first: the agent that missed it is not available yet at that point.
local function requeue(c, a, after, code)
  local ch = redis.call('HMGET', ckey(c), 'service', 'score', 'skills')
  local s = ch[1]
  redis.call('HSET', ckey(c), 'state', 'waiting', 'agent', '', 'expires', '', 'waiting_seq', nextseq())
  redis.call('HDEL', akey(a), 'call')
  redis.call('ZREM', P .. 'reservations', c)
  redis.call('ZADD', skey(s) .. ':q', ch[2], c)
  if ch[3] ~= '{}' then redis.call('HSET', skey(s) .. ':qsk', c, ch[3]) end
  set_state(a, 'released', code)
  local got = match_call(c, s, ch[3], 'requeue')
  local other = nil
  if after == 'available' then
    set_state(a, 'available', '')
    other = match_agent(a)
  end
  return got, other
end
"""
