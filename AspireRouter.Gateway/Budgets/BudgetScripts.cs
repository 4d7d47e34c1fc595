using StackExchange.Redis;

namespace AspireRouter.Gateway.Budgets;

/// <summary>
/// The Lua scripts that keep budgets atomic. Each period is one hash (day, month) holding <c>spent</c> and one
/// <c>r:{id}</c> field per reservation in flight (<c>{micro-USD}:{lease end ms}</c>); expired leases are dropped by
/// the next reservation, so a crashed gateway holds budget only until its leases end.
/// </summary>
internal static class BudgetScripts
{
    /// <summary>
    /// What <see cref="Reserve"/> and <see cref="TopUp"/> start with: @amount and @now, and <c>load(key)</c>, a period
    /// hash's spend and the reservations still leased (expired leases are deleted on the way).
    /// </summary>
    private const string Load = """
        local amount = tonumber(@amount)
        local now = tonumber(@now)
        local function load(key)
          local spent, reserved = 0, 0
          local all = redis.call('HGETALL', key)
          for i = 1, #all, 2 do
            local f = all[i]
            if f == 'spent' then
              spent = tonumber(all[i + 1])
            elseif string.sub(f, 1, 2) == 'r:' then
              local v = all[i + 1]
              local sep = string.find(v, ':', 1, true)
              if tonumber(string.sub(v, sep + 1)) <= now then
                redis.call('HDEL', key, f)
              else
                reserved = reserved + tonumber(string.sub(v, 1, sep - 1))
              end
            end
          end
          return spent, reserved
        end
        """;

    /// <summary>
    /// KEYS: day hash, month hash. ARGV: id, amount, now ms, lease ms, day limit, month limit (-1 = none), day TTL s,
    /// month TTL s. Returns {1} when reserved, else {0, period (1 day, 2 month), spent, reserved, limit}.
    /// </summary>
    public static readonly LuaScript Reserve = LuaScript.Prepare(Load + "\n" + """
        local dayLimit, monthLimit = tonumber(@dayLimit), tonumber(@monthLimit)
        local ds, dr = load(@dayKey)
        if dayLimit >= 0 and ds + dr + amount > dayLimit then return {0, 1, ds, dr, dayLimit} end
        local ms, mr = load(@monthKey)
        if monthLimit >= 0 and ms + mr + amount > monthLimit then return {0, 2, ms, mr, monthLimit} end
        local lease = @amount .. ':' .. (now + tonumber(@leaseMs))
        redis.call('HSET', @dayKey, 'r:' .. @id, lease)
        redis.call('EXPIRE', @dayKey, @dayTtl)
        redis.call('HSET', @monthKey, 'r:' .. @id, lease)
        redis.call('EXPIRE', @monthKey, @monthTtl)
        return {1}
        """);

    /// <summary>
    /// Extends a reservation in flight by @amount (another attempt that may be billed), when the period still has
    /// room for it. Same KEYS and ARGV as <see cref="Reserve"/>; same returns. A reservation whose lease ended is made anew.
    /// </summary>
    public static readonly LuaScript TopUp = LuaScript.Prepare(Load + "\n" + """
        local function held(key)
          local v = redis.call('HGET', key, 'r:' .. @id)
          if not v then return 0 end
          local sep = string.find(v, ':', 1, true)
          if tonumber(string.sub(v, sep + 1)) <= now then return 0 end
          return tonumber(string.sub(v, 1, sep - 1))
        end
        local dayLimit, monthLimit = tonumber(@dayLimit), tonumber(@monthLimit)
        local ds, dr = load(@dayKey)
        if dayLimit >= 0 and ds + dr + amount > dayLimit then return {0, 1, ds, dr, dayLimit} end
        local ms, mr = load(@monthKey)
        if monthLimit >= 0 and ms + mr + amount > monthLimit then return {0, 2, ms, mr, monthLimit} end
        local until_ = now + tonumber(@leaseMs)
        redis.call('HSET', @dayKey, 'r:' .. @id, (held(@dayKey) + amount) .. ':' .. until_)
        redis.call('EXPIRE', @dayKey, @dayTtl)
        redis.call('HSET', @monthKey, 'r:' .. @id, (held(@monthKey) + amount) .. ':' .. until_)
        redis.call('EXPIRE', @monthKey, @monthTtl)
        return {1}
        """);

    /// <summary>
    /// Replaces a reservation with the real cost, then marks each alert threshold (percent of the limit) crossed for the
    /// first time in the period (<c>HSETNX alert:{percent}</c>). Returns those as "period|percent|spent|limit" strings;
    /// the caller raises them (<see cref="BudgetAlertPublisher"/>).
    /// </summary>
    public static readonly LuaScript Settle = LuaScript.Prepare("""
        local crossed = {}
        local function settle(key, limit, period, ttl)
          redis.call('HDEL', key, 'r:' .. @id)
          local spent = redis.call('HINCRBY', key, 'spent', @cost)
          redis.call('EXPIRE', key, ttl)
          if limit > 0 then
            for t in string.gmatch(@thresholds, '[^,]+') do
              if spent * 100 >= tonumber(t) * limit and redis.call('HSETNX', key, 'alert:' .. t, spent) == 1 then
                table.insert(crossed, period .. '|' .. t .. '|' .. spent .. '|' .. limit)
              end
            end
          end
        end
        settle(@dayKey, tonumber(@dayLimit), 'day', @dayTtl)
        settle(@monthKey, tonumber(@monthLimit), 'month', @monthTtl)
        return crossed
        """);
}
