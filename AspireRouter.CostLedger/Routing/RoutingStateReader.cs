using System.Globalization;
using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Redis;
using AspireRouter.Contracts.Registry;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Routing;

/// <summary>
/// Reads the routing state the gateways and the health probe share in Redis — the latency window through
/// <see cref="LatencySummaryStore"/>, the breaker hashes by their <see cref="RedisKeys"/> names and
/// <see cref="BreakerFields"/> — without asking a gateway. Read-only: only the gateways write breakers.
/// </summary>
internal sealed class RoutingStateReader(IConnectionMultiplexer redis, LatencySummaryStore latency, RegistryProvider registry, TimeProvider time)
{
    private static readonly RedisValue[] Fields =
        [BreakerFields.State, BreakerFields.OpenUntil, BreakerFields.CoolUntil, BreakerFields.LastFailure, BreakerFields.ChangedAt];

    public async Task<RoutingStatus> ReadAsync()
    {
        var now = time.GetUtcNow();
        var current = registry.Current;
        var targets = current.Models.Values
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .SelectMany(m => m.Regions.Select(region => (Model: m, Region: region)))
            .ToList();

        var summaries = latency.ReadAsync(targets.Select(t => (t.Model.Id, t.Region)));
        var database = redis.GetDatabase();
        var breakers = targets.Select(t => database.HashGetAsync(RedisKeys.Breaker(t.Model.Id, t.Region), Fields)).ToList();
        await Task.WhenAll(breakers);
        var windows = await summaries;

        var models = new List<ModelRegionRouting>(targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            var (model, region) = targets[i];
            var summary = windows.GetValueOrDefault((model.Id, region));
            var stats = summary?.Stats(LatencyMetric.Total);
            var breaker = breakers[i].Result;
            var state = (string?)breaker[0] ?? BreakerStates.Closed;
            var coolUntil = Instant(breaker[2]) is { } cool && cool > now ? cool : (DateTimeOffset?)null;
            models.Add(new ModelRegionRouting(
                model.Id,
                model.Provider,
                region,
                Milliseconds(stats?.P50),
                Milliseconds(stats?.P95),
                Milliseconds(stats?.P99),
                stats?.Samples ?? 0,
                Math.Round(stats?.ErrorRate ?? (summary?.Errors > 0 ? 1 : 0), 4),
                coolUntil is not null && state == BreakerStates.Closed ? "cooling_down" : state,
                state == BreakerStates.Open ? Instant(breaker[1]) : null,
                coolUntil,
                Instant(breaker[3]),
                Instant(breaker[4]),
                summary?.LastProbe));
        }

        return new RoutingStatus(now, latency.Window.Window, models);
    }

    private static double? Milliseconds(TimeSpan? value) => value is { } v ? Math.Round(v.TotalMilliseconds, 1) : null;

    private static DateTimeOffset? Instant(RedisValue value) =>
        long.TryParse((string?)value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
