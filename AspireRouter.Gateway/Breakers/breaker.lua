-- One circuit breaker, one hash (AspireRouter.Contracts.Redis.BreakerFields), one atomic step.
-- BreakerStateMachine.cs is the same state machine in C# (local breakers when Redis is down); change both together.
--
-- KEYS[1]  the breaker's hash
-- ARGV     op ('admit' | 'success' | 'failure' | 'release' | 'throttled' | 'tally'), now (Unix ms, from the gateway's
--          clock), permit (the trial permit an attempt held, 0 = none), successes (counted by the caller since its last
--          call, added to the window first), cool_until (Unix ms, for 'throttled'), told (1 when that cool-down is the
--          provider's Retry-After, 0 when a guess), in_flight (for 'failure': the caller's attempts on the endpoint still
--          without an outcome, weighed as not failed when judging whether to open), then the settings:
--          failure threshold, failure ratio, confidence z, bucket length (ms), buckets, open duration (ms),
--          max open duration (ms), max concurrent trials, successes to close, permit lease (ms), key TTL (ms).
-- Returns  { allowed (0/1), permit (0 = none), state before, state after, field1, value1, field2, value2, ... }
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local arg = tonumber(ARGV[3])
local successes = tonumber(ARGV[4])
local cool_until = tonumber(ARGV[5])
local told = tonumber(ARGV[6])
local in_flight = tonumber(ARGV[7])
local threshold = tonumber(ARGV[8])
local ratio = tonumber(ARGV[9])
local z = tonumber(ARGV[10])
local bucket_ms = tonumber(ARGV[11])
local buckets = tonumber(ARGV[12])
local open_base = tonumber(ARGV[13])
local open_max = tonumber(ARGV[14])
local max_trials = tonumber(ARGV[15])
local to_close = tonumber(ARGV[16])
local lease_ms = tonumber(ARGV[17])
local ttl_ms = tonumber(ARGV[18])

local h = {}
local raw = redis.call('HGETALL', key)
for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end

local dirty = false
local function num(field) return tonumber(h[field] or '0') end
local function set(field, value)
  if type(value) == 'number' then value = string.format('%d', value) end
  h[field] = value
  redis.call('HSET', key, field, value)
  dirty = true
end
local function del(field)
  h[field] = nil
  redis.call('HDEL', key, field)
  dirty = true
end
-- Deletes the fields starting with one of the prefixes (the table may lose fields while it is traversed).
local function clear(a, b)
  for field in pairs(h) do
    local p = string.sub(field, 1, 2)
    if p == a or p == b then del(field) end
  end
end

local current = math.floor(now / bucket_ms)
-- Failures and successes of the window; drops buckets that left it.
local function window()
  local f, s = 0, 0
  for field, value in pairs(h) do
    local kind, bucket = string.match(field, '^([fs]):(%d+)$')
    if kind then
      if tonumber(bucket) <= current - buckets then
        del(field)
      elseif kind == 'f' then
        f = f + tonumber(value)
      else
        s = s + tonumber(value)
      end
    end
  end
  return f, s
end
local function add(prefix, n)
  if n > 0 then
    window()
    local field = prefix .. current
    set(field, num(field) + n)
  end
end
-- Permits whose lease has not ended; with purge, drops the others.
local function trials(purge)
  local n = 0
  for field, value in pairs(h) do
    if string.sub(field, 1, 2) == 'p:' then
      if tonumber(value) > now then n = n + 1 elseif purge then del(field) end
    end
  end
  return n
end
-- Wilson score lower bound of the failure ratio: the ratio the evidence makes sure of at confidence z.
local function lower_bound(f, n)
  local p = f / n
  local z2 = z * z
  return (p + z2 / (2 * n) - z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
end

local function go(state)
  set('state', state)
  set('changed_at', now)
end
local function open(duration, f, n)
  go('open')
  set('open_ms', duration)
  set('open_until', now + duration)
  set('trial_ok', 0)
  set('trip_f', f)
  set('trip_n', n)
  clear('p:')
end
local function close()
  go('closed')
  set('trial_ok', 0)
  clear('p:', 'f:')
  clear('s:')
end

local before = h.state or 'closed'
local allowed, permit = 0, 0

add('s:', successes)

if op == 'admit' then
  if before == 'open' and now >= num('open_until') then
    go('half_open')
    set('trial_ok', 0)
    clear('p:')
  end
  local state = h.state or 'closed'
  if state == 'closed' then
    allowed = 1
  elseif state == 'half_open' and trials(true) < max_trials then
    permit = num('permit_seq') + 1
    set('permit_seq', permit)
    set('p:' .. permit, now + lease_ms)
    allowed = 1
  end
elseif op == 'success' or op == 'failure' or op == 'release' or op == 'throttled' then
  local trial = arg > 0 and h['p:' .. arg] ~= nil
  if trial then del('p:' .. arg) end
  if op == 'throttled' then
    if cool_until > num('cool_until') then
      set('cool_until', cool_until)
      set('cool_ms', cool_until - now)
    end
    if told == 1 and cool_until > num('told_until') then set('told_until', cool_until) end
  elseif op == 'success' or op == 'failure' then
    add(op == 'failure' and 'f:' or 's:', 1)
    if op == 'failure' then set('last_fail', now) end
    if trial and before == 'half_open' then
      if op == 'success' then
        set('trial_ok', num('trial_ok') + 1)
        if num('trial_ok') >= to_close then close() end
      else
        open(math.min(math.max(num('open_ms'), open_base) * 2, open_max), 0, 0)
      end
    elseif before == 'closed' and op == 'failure' then
      local f, s = window()
      if f >= threshold and lower_bound(f, f + s + in_flight) >= ratio then
        open(open_base, f, f + s)
      end
    end
    -- A non-trial outcome while open or half-open only counts in the window: it was admitted before the breaker
    -- opened, or tried in panic mode.
  end
end

if dirty then
  h.ver = tostring(redis.call('HINCRBY', key, 'ver', 1))
  redis.call('PEXPIRE', key, ttl_ms)
end

local result = { allowed, permit, before, h.state or 'closed' }
for field, value in pairs(h) do
  result[#result + 1] = field
  result[#result + 1] = value
end
return result
