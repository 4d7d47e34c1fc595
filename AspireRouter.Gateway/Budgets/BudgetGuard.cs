using System.Globalization;
using AspireRouter.Contracts.Budgets;
using AspireRouter.Contracts.Redis;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Budgets;

/// <summary>
/// Hard budgets per team. Before a request is sent it reserves, atomically in Redis, the most it can cost: the
/// prompt (o200k count) plus <c>max_tokens</c> (or <see cref="BudgetOptions.DefaultCompletionTokens"/>) at the
/// most expensive candidate's price. The reservation is refused when settled spend + reservations in flight + this
/// one would pass the day's or month's limit, so concurrent requests cannot overshoot by more than one reservation's
/// error. After the request the reservation is replaced by the real cost and alert thresholds are checked.
/// </summary>
public sealed partial class BudgetGuard(
    Func<IConnectionMultiplexer> connect,
    IOptionsMonitor<BudgetOptions> options,
    TokenEstimator estimator,
    TimeProvider time,
    BudgetMetrics metrics,
    BudgetAlertPublisher alerts,
    ILogger<BudgetGuard> logger)
{
    private const decimal MicroPerUsd = 1_000_000m;
    private static readonly TimeSpan DayKeyTtl = TimeSpan.FromDays(3);
    private static readonly TimeSpan MonthKeyTtl = TimeSpan.FromDays(62);

    private long _lastUnavailableLog = long.MinValue / 2;

    /// <summary>A reservation to settle, or an error to return instead of running the request.</summary>
    public sealed record Decision(Reservation? Reservation, RequestError? Error, TimeSpan? RetryAfter = null)
    {
        public static readonly Decision Unlimited = new(null, null);
    }

    /// <summary>Budget held for one request (keyed by the request's minted id) in one team's or key's budget.</summary>
    public sealed record Reservation(string Id, string Team, string Subject, TeamBudget Budget, DateOnly Day, long AmountMicroUsd);

    public async Task<Decision> ReserveAsync(string team, string requestId, ChatRequest request, CandidateList candidates) =>
        options.CurrentValue.Teams.TryGetValue(team, out var budget)
            ? await ReserveAsync(team, $"Team '{team}'", budget, requestId, request, candidates)
            : Decision.Unlimited;

    /// <summary>
    /// Reserves against a virtual key's own budget (in <c>ar:budget:key:{id}:…</c>, apart from its team's), the same
    /// way as a team's: the same script, the same 429 when it would be overrun.
    /// </summary>
    public async Task<Decision> ReserveForKeyAsync(Auth.AuthenticatedKey key, string requestId, ChatRequest request, CandidateList candidates) =>
        key.DailyBudgetUsd is null && key.MonthlyBudgetUsd is null
            ? Decision.Unlimited
            : await ReserveAsync($"key:{key.KeyId}", $"API key '{key.KeyId}'",
                new TeamBudget { DailyUsd = key.DailyBudgetUsd, MonthlyUsd = key.MonthlyBudgetUsd }, requestId, request, candidates);

    private async Task<Decision> ReserveAsync(string team, string subject, TeamBudget budget, string requestId, ChatRequest request, CandidateList candidates)
    {
        var current = options.CurrentValue;
        if ((budget.DailyUsd is null && budget.MonthlyUsd is null) || candidates.Candidates.Count == 0)
        {
            return Decision.Unlimited;
        }

        var estimate = candidates.Candidates.Max(c => AttemptCost(c.Model, request));
        var now = time.GetUtcNow();
        var reservation = new Reservation(requestId, team, subject, budget, DateOnly.FromDateTime(now.UtcDateTime), ToMicro(estimate));
        return await RunAsync(BudgetScripts.Reserve, reservation, estimate, now);
    }

    /// <summary>
    /// Extends <paramref name="reservation"/> by what one more attempt on <paramref name="model"/> could cost, before it
    /// is made (a fallback, retry or hedge may be billed too): the reservation keeps covering what can really be
    /// billed. Refused like a reservation when the period has no room left.
    /// </summary>
    public Task<Decision> TopUpAsync(Reservation reservation, ModelSpec model, ChatRequest request)
    {
        var estimate = AttemptCost(model, request);
        return RunAsync(BudgetScripts.TopUp, reservation, estimate, time.GetUtcNow());
    }

    /// <summary>The most one attempt can cost: the prompt plus <c>max_tokens</c> (or the default completion) at the model's price.</summary>
    private decimal AttemptCost(ModelSpec model, ChatRequest request) =>
        model.Price.Cost(estimator.CountExactly(request), 0, request.MaxTokens ?? options.CurrentValue.DefaultCompletionTokens);

    private async Task<Decision> RunAsync(LuaScript script, Reservation reservation, decimal estimate, DateTimeOffset now)
    {
        var current = options.CurrentValue;
        var (team, budget) = (reservation.Team, reservation.Budget);
        try
        {
            var database = Database();
            var result = (RedisResult[])(await script.EvaluateAsync(database, new
            {
                dayKey = (RedisKey)RedisKeys.BudgetDay(team, reservation.Day),
                monthKey = (RedisKey)RedisKeys.BudgetMonth(team, reservation.Day),
                id = reservation.Id,
                amount = ToMicro(estimate),
                now = now.ToUnixTimeMilliseconds(),
                leaseMs = (long)current.ReservationLease.TotalMilliseconds,
                dayLimit = Limit(budget.DailyUsd),
                monthLimit = Limit(budget.MonthlyUsd),
                dayTtl = (long)DayKeyTtl.TotalSeconds,
                monthTtl = (long)MonthKeyTtl.TotalSeconds,
            }).WaitAsync(current.RedisTimeout))!;
            if ((long)result[0] == 1)
            {
                return new Decision(reservation, null);
            }

            var period = (long)result[1] == 1 ? "day" : "month";
            metrics.Rejected(team, period);
            var message = string.Create(CultureInfo.InvariantCulture,
                $"{reservation.Subject} has reached its {(period == "day" ? "daily" : "monthly")} budget of ${FromMicro((long)result[4])}: ${FromMicro((long)result[2])} spent and ${FromMicro((long)result[3])} reserved by requests in flight; {(script == BudgetScripts.TopUp ? "another attempt" : "this request")} could cost up to ${estimate:0.######}.");
            LogRejected(logger, team, period, reservation.Id);
            return new Decision(null, new RequestError(StatusCodes.Status429TooManyRequests, message, "insufficient_quota", null, "budget_exceeded"),
                period == "day" ? UntilNextDay(now) : UntilNextMonth(now));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            var ticks = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastUnavailableLog);
            if (ticks - last >= 30_000 && Interlocked.CompareExchange(ref _lastUnavailableLog, ticks, last) == last)
            {
                LogRedisUnavailable(logger, team, ex.GetType().Name, current.FailOpen); // at most every 30 s
            }

            return current.FailOpen
                ? new Decision(script == BudgetScripts.TopUp ? reservation : null, null)
                : new Decision(null, new RequestError(StatusCodes.Status503ServiceUnavailable,
                    "The budget store cannot be reached, and this gateway refuses requests it cannot check against a budget.", "api_error", null, "budget_unavailable"));
        }
    }

    /// <summary>Replaces the reservation with <paramref name="costUsd"/> and raises the alerts it crosses.</summary>
    public async Task SettleAsync(Reservation reservation, decimal costUsd)
    {
        var current = options.CurrentValue;
        var thresholds = string.Join(',', current.ThresholdsFor(reservation.Budget)); // percents
        try
        {
            var database = Database();
            var crossed = (RedisResult[])(await BudgetScripts.Settle.EvaluateAsync(database, new
            {
                dayKey = (RedisKey)RedisKeys.BudgetDay(reservation.Team, reservation.Day),
                monthKey = (RedisKey)RedisKeys.BudgetMonth(reservation.Team, reservation.Day),
                id = reservation.Id,
                cost = ToMicro(costUsd),
                thresholds,
                dayLimit = Limit(reservation.Budget.DailyUsd),
                monthLimit = Limit(reservation.Budget.MonthlyUsd),
                dayTtl = (long)DayKeyTtl.TotalSeconds,
                monthTtl = (long)MonthKeyTtl.TotalSeconds,
            }).WaitAsync(current.RedisTimeout))!;
            foreach (var alert in crossed)
            {
                var parts = ((string)alert!).Split('|'); // period|percent|spent|limit
                await alerts.RaiseAsync(database, reservation.Team, parts[0], reservation.Day, int.Parse(parts[1], CultureInfo.InvariantCulture),
                    long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The lease releases the reservation; this request's spend is missing from the live budget (the ledger has it).
            LogSettleFailed(logger, reservation.Team, reservation.Id, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Connects to Redis before the gateway takes traffic when any budget is configured: resolving the connection
    /// blocks (up to its connect timeout), which must not happen on the request path under concurrent load.
    /// </summary>
    internal void WarmUp()
    {
        if (options.CurrentValue.Teams.Count > 0)
        {
            connect();
        }
    }

    private IDatabase Database()
    {
        var connection = connect();
        return connection.IsConnected ? connection.GetDatabase() : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected.");
    }

    /// <summary>Micro-USD, rounded up so a reservation never understates a cost.</summary>
    private static long ToMicro(decimal usd) => (long)Math.Ceiling(usd * MicroPerUsd);

    private static decimal FromMicro(long micro) => micro / MicroPerUsd;

    private static long Limit(decimal? usd) => usd is { } value ? (long)Math.Floor(value * MicroPerUsd) : -1;

    private static TimeSpan UntilNextDay(DateTimeOffset now) => now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime;

    private static TimeSpan UntilNextMonth(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1) - utc;
    }

    [LoggerMessage(4202, LogLevel.Debug, "Request {RequestId} of team {Team} refused: its {Period} budget is exhausted.")]
    private static partial void LogRejected(ILogger logger, string team, string period, string requestId);

    [LoggerMessage(4203, LogLevel.Warning, "Budget of team {Team} cannot be checked ({Failure}); fail open: {FailOpen}.")]
    private static partial void LogRedisUnavailable(ILogger logger, string team, string failure, bool failOpen);

    [LoggerMessage(4204, LogLevel.Warning, "Could not settle the budget reservation of team {Team} for request {RequestId} ({Failure}); its lease will release it.")]
    private static partial void LogSettleFailed(ILogger logger, string team, string requestId, string failure);
}
