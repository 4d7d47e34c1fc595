using StackExchange.Redis;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// Requests and tokens per minute per key as a sliding window shared by every gateway: two fixed one-minute counters
/// per kind, the previous one weighted by how much of it still lies inside the last 60 s. One script checks both
/// limits and charges both counters atomically, so concurrent gateways cannot both take the last slot.
/// </summary>
internal static class RateLimitScript
{
    /// <summary>
    /// Keys: current and previous request and token counters. Args: rpm and tpm (-1 = none), tokens to charge,
    /// previous-window weight in permille, counter TTL ms. Returns {1, requests used, tokens used} when admitted, else
    /// {0, requests used, tokens used, requests ok, tokens ok}.
    /// </summary>
    public static readonly LuaScript Admit = LuaScript.Prepare("""
        local rpm = tonumber(@rpm)
        local tpm = tonumber(@tpm)
        local tokens = tonumber(@tokens)
        local w = tonumber(@prevWeight) / 1000
        local function get(k) return tonumber(redis.call('GET', k) or '0') end
        local usedReq = math.ceil(get(@reqPrev) * w + get(@reqCur))
        local usedTok = math.ceil(get(@tokPrev) * w + get(@tokCur))
        local okReq = rpm < 0 or usedReq + 1 <= rpm
        local okTok = tpm < 0 or usedTok + tokens <= tpm
        if okReq and okTok then
          redis.call('INCR', @reqCur)
          redis.call('PEXPIRE', @reqCur, @ttl)
          redis.call('INCRBY', @tokCur, tokens)
          redis.call('PEXPIRE', @tokCur, @ttl)
          return {1, usedReq + 1, usedTok + tokens}
        end
        return {0, usedReq, usedTok, okReq and 1 or 0, okTok and 1 or 0}
        """);

    /// <summary>
    /// Keys: the token counter a request was charged in. Args: the difference between what it used and what it was
    /// charged (negative when it used less). Adjusts the counter, never below zero, and only while it still exists.
    /// </summary>
    public static readonly LuaScript Reconcile = LuaScript.Prepare("""
        if redis.call('EXISTS', @tokKey) == 0 then return 0 end
        local left = redis.call('INCRBY', @tokKey, @delta)
        if left < 0 then redis.call('SET', @tokKey, 0, 'KEEPTTL') end
        return 1
        """);
}
