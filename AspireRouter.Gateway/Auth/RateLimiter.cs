using System.Globalization;
using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// Per-key RPM and TPM through <see cref="RateLimitScript"/>. A request is charged one request and its prompt
/// estimate (o200k) + <c>max_tokens</c> (or the default completion) at admission. When Redis cannot be reached the
/// limiter fails open: limits protect providers from one noisy key, and budgets keep their own fail policy.
/// </summary>
public sealed partial class RateLimiter(
    Func<IConnectionMultiplexer> connect,
    TokenEstimator estimator,
    IOptions<TokenEstimationOptions> tokenOptions,
    IOptionsMonitor<ApiKeyOptions> options,
    TimeProvider time,
    ILogger<RateLimiter> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private long _lastUnavailableLog = long.MinValue / 2;

    /// <summary>The outcome and what the <c>x-ratelimit-*</c> headers report.</summary>
    public sealed record Decision(bool Allowed, int? RequestLimit, int? RequestsRemaining, int? TokenLimit, int? TokensRemaining, TimeSpan Reset)
    {
        public static readonly Decision Unlimited = new(true, null, null, null, null, TimeSpan.Zero);

        /// <summary>Tokens charged to the key's TPM counter at admission (the estimate), and that counter's minute.</summary>
        public long ChargedTokens { get; init; }

        public long ChargedMinute { get; init; }
    }

    public async Task<Decision> AdmitAsync(AuthenticatedKey key, ChatRequest request)
    {
        if (key.RequestsPerMinute is null && key.TokensPerMinute is null)
        {
            return Decision.Unlimited;
        }

        var tokens = (long)estimator.CountExactly(request) + (request.MaxTokens ?? tokenOptions.Value.DefaultCompletionTokens);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var minute = now / (long)Window.TotalMilliseconds;
        var elapsed = now % (long)Window.TotalMilliseconds;
        var reset = TimeSpan.FromMilliseconds(Window.TotalMilliseconds - elapsed);
        try
        {
            var connection = connect();
            if (!connection.IsConnected)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected.");
            }

            var result = (RedisResult[])(await RateLimitScript.Admit.EvaluateAsync(connection.GetDatabase(), new
            {
                reqCur = (RedisKey)RedisKeys.RateWindow(key.KeyId, "req", minute),
                reqPrev = (RedisKey)RedisKeys.RateWindow(key.KeyId, "req", minute - 1),
                tokCur = (RedisKey)RedisKeys.RateWindow(key.KeyId, "tok", minute),
                tokPrev = (RedisKey)RedisKeys.RateWindow(key.KeyId, "tok", minute - 1),
                rpm = (long?)key.RequestsPerMinute ?? -1,
                tpm = (long?)key.TokensPerMinute ?? -1,
                tokens,
                prevWeight = 1000 - (elapsed * 1000 / (long)Window.TotalMilliseconds),
                ttl = (long)(Window.TotalMilliseconds * 3),
            }).WaitAsync(options.CurrentValue.RedisTimeout))!;
            var allowed = (long)result[0] == 1;
            if (!allowed)
            {
                LogLimited(logger, key.KeyId, (long)result[3] == 0 ? "requests" : "tokens");
            }

            return new Decision(allowed,
                key.RequestsPerMinute, Remaining(key.RequestsPerMinute, (long)result[1]),
                key.TokensPerMinute, Remaining(key.TokensPerMinute, (long)result[2]),
                reset)
            {
                ChargedTokens = allowed && key.TokensPerMinute is not null ? tokens : 0,
                ChargedMinute = minute,
            };
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // At most one warning every 30 s while Redis is away, not one per request.
            var ticks = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastUnavailableLog);
            if (ticks - last >= 30_000 && Interlocked.CompareExchange(ref _lastUnavailableLog, ticks, last) == last)
            {
                LogUnavailable(logger, key.KeyId, ex.GetType().Name);
            }
            return new Decision(true, key.RequestsPerMinute, key.RequestsPerMinute, key.TokensPerMinute, key.TokensPerMinute, reset);
        }
    }

    /// <summary>
    /// Replaces the estimate a request was charged at admission with the tokens it really used (prompt and completion
    /// of every billed attempt), in the minute it was charged in: a request that used less gives the difference back,
    /// one that used more (retries, hedges, a long answer) pays it. Never throws; a failure leaves the estimate.
    /// </summary>
    public async Task ReconcileAsync(AuthenticatedKey key, Decision decision, long usedTokens)
    {
        var delta = usedTokens - decision.ChargedTokens;
        if (decision.ChargedTokens == 0 || delta == 0)
        {
            return;
        }

        try
        {
            var connection = connect();
            if (connection.IsConnected)
            {
                await RateLimitScript.Reconcile.EvaluateAsync(connection.GetDatabase(), new
                {
                    tokKey = (RedisKey)RedisKeys.RateWindow(key.KeyId, "tok", decision.ChargedMinute),
                    delta,
                }).WaitAsync(options.CurrentValue.RedisTimeout);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogReconcileFailed(logger, key.KeyId, ex.GetType().Name);
        }
    }

    /// <summary>OpenAI's headers: <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c>, resets like <c>17s</c>.</summary>
    public static void WriteHeaders(HttpResponse response, Decision decision)
    {
        var reset = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds))}s");
        if (decision.RequestLimit is { } requests)
        {
            response.Headers["x-ratelimit-limit-requests"] = requests.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-requests"] = decision.RequestsRemaining!.Value.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset-requests"] = reset;
        }

        if (decision.TokenLimit is { } tokens)
        {
            response.Headers["x-ratelimit-limit-tokens"] = tokens.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-tokens"] = decision.TokensRemaining!.Value.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset-tokens"] = reset;
        }

        if (!decision.Allowed)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static int? Remaining(int? limit, long used) => limit is { } l ? (int)Math.Max(0, l - used) : null;

    [LoggerMessage(4311, LogLevel.Debug, "Key {KeyId} is over its {Limit} per minute limit.")]
    private static partial void LogLimited(ILogger logger, string keyId, string limit);

    [LoggerMessage(4313, LogLevel.Debug, "Tokens of key {KeyId} not reconciled with its usage ({Failure}); the admission estimate stands.")]
    private static partial void LogReconcileFailed(ILogger logger, string keyId, string failure);

    [LoggerMessage(4312, LogLevel.Warning, "Rate limit of key {KeyId} cannot be checked ({Failure}); admitted (fail open).")]
    private static partial void LogUnavailable(ILogger logger, string keyId, string failure);
}
