using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.AppHost.Tests;

/// <summary>The health probe, the shared latency window and routing together, in the running application.</summary>
[Collection(DisruptiveAppCollection.Name)]
public sealed class HealthProbeEndToEndTests(AspireRouterAppFixture fixture, ITestOutputHelper output)
{
    private const string Slowed = "qwen-3-8b";
    /// <summary>Latency:MinSamples (default 10): fewer samples do not steer routing.</summary>
    private const int MinSamples = 10;
    private static readonly TimeSpan LightBudget = TimeSpan.FromMilliseconds(500);

    /// <summary>Slack for a slowed probe's own duration (5 × ~300 ms) and a loaded 2-core machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SlowedModel_IsSeenOverBudgetByTheProbe_TrafficMovesOn_AndReturnsWhenRestored()
    {
        using var simulator = fixture.CreateHttpClient("providers-global");
        using var gateway = fixture.CreateHttpClient("gateway-global");

        // Before: the probe has measured the model, within budget, and light traffic goes to its primary.
        var before = await WaitForAsync(gateway, s => s.LastProbe is not null && s.Samples >= MinSamples && s.P99 is { } p99 && p99 <= LightBudget, TimeSpan.FromSeconds(90));
        output.WriteLine($"before: p99 {before.P99?.TotalMilliseconds} ms, {before.Samples} samples, last probe {before.LastProbe:O}");
        Assert.Equal(Slowed, await LightModelAsync(gateway));

        try
        {
            (await simulator.PutAsJsonAsync($"/admin/faults/{Slowed}", new { latencyMultiplier = 5.0 })).EnsureSuccessStatusCode();
            var clock = Stopwatch.StartNew();
            var slow = await WaitForAsync(gateway, s => s.OverBudgetIn.Contains("light"), TimeSpan.FromSeconds(60));
            var seenAfter = clock.Elapsed;
            output.WriteLine($"over budget after {seenAfter.TotalSeconds:0.0} s: p99 {slow.P99?.TotalMilliseconds} ms, breaker {slow.Breaker}");

            Assert.True(slow.P99 > LightBudget);
            Assert.True(seenAfter <= AspireRouterAppFixture.ProbeInterval + AspireRouterAppFixture.LatencyRefresh + Slack,
                $"Seen over budget after {seenAfter}.");
            var fallback = await LightModelAsync(gateway);
            Assert.NotEqual(Slowed, fallback);
            Assert.Contains(fallback, new[] { "deepseek-v4-flash", "glm-4-9b" });
        }
        finally
        {
            (await simulator.DeleteAsync($"/admin/faults/{Slowed}")).EnsureSuccessStatusCode();
        }

        // Restored: once the slow samples leave the window, traffic returns to the primary.
        var restored = Stopwatch.StartNew();
        await WaitForAsync(gateway, s => s.Samples >= MinSamples && s.OverBudgetIn.Count == 0, AspireRouterAppFixture.LatencyWindow + TimeSpan.FromSeconds(30));
        output.WriteLine($"back within budget after {restored.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Slowed, await LightModelAsync(gateway));
    }

    /// <summary>
    /// Kills the replica holding the leader lease (its process, found by the id it wrote in the lease) without letting it
    /// release: the lease expires and the other replica takes it within the lease time plus one renewal period.
    /// </summary>
    [Fact]
    public async Task ProbeLeaderKilled_AnotherReplicaTakesOver_WithinTheLeaseTime()
    {
        const string LeaderKey = "ar:probe:leader";
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.GetConnectionStringAsync("redis"))!);
        var database = redis.GetDatabase();

        string leader = (await Eventually.ValueAsync(() => database.StringGetAsync(LeaderKey), value => value.HasValue, "a probe replica to take the lease",
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200)))!;

        // The holder id is "{machine}:{pid}:{guid}".
        var pid = int.Parse(leader.Split(':')[^2], System.Globalization.CultureInfo.InvariantCulture);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var killed = Stopwatch.StartNew();
        string next = (await Eventually.ValueAsync(() => database.StringGetAsync(LeaderKey), value => value.HasValue && value != leader, "another replica to take over",
            AspireRouterAppFixture.ProbeLeaseTime * 4, TimeSpan.FromMilliseconds(50)))!;

        var takeover = killed.Elapsed;
        output.WriteLine($"leader {leader} killed; {next} took over after {takeover.TotalSeconds:0.00} s (lease {AspireRouterAppFixture.ProbeLeaseTime.TotalSeconds} s)");
        Assert.True(takeover <= AspireRouterAppFixture.ProbeLeaseTime + (AspireRouterAppFixture.ProbeLeaseTime / 3) + TimeSpan.FromSeconds(1),
            $"Takeover after {takeover}.");
    }

    /// <summary>A model no other test sends traffic to: every request it gets in the global simulator is a probe.</summary>
    [Fact]
    public async Task Probe_SteadyState_StaysUnderThePerModelCap()
    {
        const string Quiet = "qwen-3-5-397b";
        using var simulator = fixture.CreateHttpClient("providers-global");
        var period = TimeSpan.FromSeconds(10);

        var before = await RequestsAsync(simulator, Quiet);
        await Task.Delay(period);
        var after = await RequestsAsync(simulator, Quiet);

        var rate = (after - before) / period.TotalSeconds;
        output.WriteLine($"{Quiet}@global: {after - before} probes in {period.TotalSeconds} s = {rate:0.00}/s "
            + $"(interval {AspireRouterAppFixture.ProbeInterval.TotalSeconds} s + the probe's own duration)");
        Assert.InRange(rate, 0.1, 1 / AspireRouterAppFixture.ProbeInterval.TotalSeconds);
    }

    private static async Task<long> RequestsAsync(HttpClient simulator, string model)
    {
        using var json = JsonDocument.Parse(await simulator.GetStringAsync("/admin/stats"));
        return json.RootElement.GetProperty("models").TryGetProperty(model, out var counts)
            ? counts.EnumerateObject().Sum(status => status.Value.GetInt64())
            : 0;
    }

    private static async Task<string> LightModelAsync(HttpClient gateway)
    {
        using var response = await gateway.PostAsJsonAsync("/v1/chat/completions",
            new { model = "light", messages = new[] { new { role = "user", content = "Say hello." } } });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("X-AspireRouter-Model").Single();
    }

    private static Task<Status> WaitForAsync(HttpClient gateway, Func<Status, bool> condition, TimeSpan timeout) =>
        Eventually.ValueAsync(() => ReadAsync(gateway), condition, $"the status of {Slowed} to reach the condition", timeout, TimeSpan.FromMilliseconds(200));

    private static async Task<Status> ReadAsync(HttpClient gateway)
    {
        using var json = JsonDocument.Parse(await gateway.GetStringAsync("/v1/router/status"));
        var entry = json.RootElement.GetProperty("models").EnumerateArray()
            .Single(m => m.GetProperty("model").GetString() == Slowed && m.GetProperty("region").GetString() == "global");
        return new Status(
            entry.TryGetProperty("total", out var total) ? TimeSpan.FromMilliseconds(total.GetProperty("p99").GetDouble()) : null,
            entry.GetProperty("samples").GetInt64(),
            entry.GetProperty("breaker").GetString(),
            entry.TryGetProperty("last_probe", out var lastProbe) ? lastProbe.GetDateTimeOffset() : null,
            [.. entry.GetProperty("over_budget_in").EnumerateArray().Select(c => c.GetString()!)]);
    }

    private sealed record Status(TimeSpan? P99, long Samples, string? Breaker, DateTimeOffset? LastProbe, IReadOnlyList<string> OverBudgetIn);
}
