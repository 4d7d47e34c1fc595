using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Redis;
using AspireRouter.Contracts.Registry;
using AspireRouter.CostLedger.Tests.Infrastructure;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Tests.SpendConsole;

/// <summary>
/// A ledger on Kestrel (a real port, for a real browser) with real PostgreSQL and Redis, seeded through the real paths:
/// a team key issued through the admin API, cost events through the Redis stream and the ingestion consumer, the
/// routing state written under the <see cref="RedisKeys"/> names the gateways and the probe use.
/// </summary>
public sealed class SeededConsoleLedger : IAsyncDisposable
{
    public const string AdminKey = "console-admin-key-0123456789";

    private SeededConsoleLedger(LedgerHarness harness, Uri address, string searchKey, string searchKeyId)
    {
        Harness = harness;
        Address = address;
        SearchKey = searchKey;
        SearchKeyId = searchKeyId;
    }

    public LedgerHarness Harness { get; }
    public Uri Address { get; }

    /// <summary>The <c>search</c> team's virtual key (its secret) and id.</summary>
    public string SearchKey { get; }
    public string SearchKeyId { get; }

    /// <summary>The seeded requests, all within the console's default 24-hour range; each costs its model's registry price.</summary>
    public static readonly IReadOnlyList<(string Team, string Category, string Model, string Region, long Input, long Output, TimeSpan Ago, bool Keyed)> Requests =
    [
        ("search", "light", "qwen-3-8b", "global", 4_000_000, 1_000_000, TimeSpan.FromHours(3), true),
        ("search", "general", "deepseek-v4-flash", "global", 2_000_000, 400_000, TimeSpan.FromHours(1), true),
        ("search", "general", "deepseek-v4-flash", "global", 1_000_000, 200_000, TimeSpan.FromMinutes(30), true),
        ("ads", "general", "qwen-3-32b", "cn", 3_000_000, 1_000_000, TimeSpan.FromHours(2), false),
        ("ads", "reasoning", "kimi-k2-5", "global", 500_000, 200_000, TimeSpan.FromHours(5), false),
    ];

    private static readonly ModelRegistry Registry = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());

    public static decimal Cost(string model, long input, long output) => Registry.Models[model].Price.Cost(input, 0, output);

    /// <summary>Seeded spend per value of one attribute, for the requests <paramref name="where"/> selects.</summary>
    public static Dictionary<string, decimal> SpendBy(
        Func<(string Team, string Category, string Model, string Region, long Input, long Output, TimeSpan Ago, bool Keyed), string> key,
        Func<(string Team, string Category, string Model, string Region, long Input, long Output, TimeSpan Ago, bool Keyed), bool>? where = null) =>
        Requests.Where(r => where?.Invoke(r) ?? true).GroupBy(key).ToDictionary(g => g.Key, g => g.Sum(r => Cost(r.Model, r.Input, r.Output)));

    /// <summary>The open breaker and the rate-limited (cooling) endpoint seeded in Redis.</summary>
    public static readonly (string Model, string Region) OpenBreaker = ("qwen-3-8b", "global"), Cooling = ("kimi-k2-5", "cn");

    public static async Task<SeededConsoleLedger> StartAsync(LedgerInfrastructure infrastructure)
    {
        var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Admin:Key"] = AdminKey,
            ["Admin:AllowAnonymousReports"] = "false",
            ["Budgets:Teams:search:DailyUsd"] = "0.5",
            ["Budgets:Teams:search:MonthlyUsd"] = "10",
            ["Budgets:Teams:ads:MonthlyUsd"] = "5",
        });
        var address = harness.StartLedgerServer();

        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await http.PostAsJsonAsync("/v1/admin/keys", new { team = "search", name = "search console test" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var secret = key.RootElement.GetProperty("secret").GetString()!;
        var keyId = key.RootElement.GetProperty("key").GetProperty("id").GetString()!;

        var now = DateTimeOffset.UtcNow;
        await harness.PublishManyAsync(Requests.Select(r => CostEvents.Make(team: r.Team, category: r.Category, model: r.Model, region: r.Region,
            input: r.Input, output: r.Output, cost: Cost(r.Model, r.Input, r.Output), at: now - r.Ago) with { ApiKeyId = r.Keyed ? keyId : null }));
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == Requests.Count, "every seeded row");

        await SeedRoutingAsync(harness.Redis, now);
        return new SeededConsoleLedger(harness, address, secret, keyId);
    }

    /// <summary>Latency samples and probes for two endpoints, an open breaker and a 429 cool-down.</summary>
    private static async Task SeedRoutingAsync(IDatabase redis, DateTimeOffset now)
    {
        var window = LatencyWindow.Default;
        var store = new LatencySummaryStore(() => redis, window, TimeProvider.System);
        var slice = window.SliceOf(now);
        var fast = new LatencySummary();
        var slow = new LatencySummary { Errors = 1 };
        for (var i = 1; i <= 100; i++)
        {
            fast[LatencyMetric.Total].Record(TimeSpan.FromMilliseconds(200 + (i * 3)));
            slow[LatencyMetric.Total].Record(TimeSpan.FromMilliseconds(900 + (i * 20)));
        }

        await store.WriteAsync(new Dictionary<(string, string, long), LatencySummary>
        {
            [("deepseek-v4-flash", "global", slice)] = fast,
            [("qwen-3-32b", "cn", slice)] = slow,
        });
        await store.MarkProbedAsync("deepseek-v4-flash", "global", now.AddSeconds(-4));

        var ms = now.ToUnixTimeMilliseconds();
        await redis.HashSetAsync(RedisKeys.Breaker(OpenBreaker.Model, OpenBreaker.Region),
        [
            new(BreakerFields.State, BreakerStates.Open), new(BreakerFields.OpenUntil, ms + 600_000),
            new(BreakerFields.ChangedAt, ms - 5_000), new(BreakerFields.LastFailure, ms - 5_000),
        ]);
        await redis.HashSetAsync(RedisKeys.Breaker(Cooling.Model, Cooling.Region),
            [new(BreakerFields.State, BreakerStates.Closed), new(BreakerFields.CoolUntil, ms + 600_000), new(BreakerFields.CoolDuration, 600_000)]);
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
