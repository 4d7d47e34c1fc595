using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Telemetry;

/// <summary>
/// Cost events reach the stream over a connection the Redis instrumentation does not profile. It would hold every
/// append, with every event's JSON, until its next flush (bench/README "Memory: the Redis profiler held every cost
/// event"). The request path's shared connection stays traced. The appends (script calls) cannot be told apart from
/// the shared connection's own scripts by their spans, so the test watches the cost connection's other commands, the
/// backlog probe's (<c>XINFO</c>, <c>XLEN</c>: nothing else in the gateway sends them), and that the connection is its own.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class CostStreamTracingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _redisSpans = new();
    private RedisServer _redis = null!;
    private ActivityListener _listener = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "OpenTelemetry.Instrumentation.StackExchangeRedis",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _redisSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task CostEventAppends_AreNotProfiled_TheSharedConnectionIs()
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = _redis.ConnectionString(0),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9", // tracing on, as the AppHost runs it
            ["Registry:Categories:light:Timeout"] = "00:00:10",
        });
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        await using var redis = await _redis.ConnectAsync(0);
        await Eventually.ValueAsync(() => redis.GetDatabase().StreamLengthAsync(CostStream.Name), length => length >= 1,
            "the cost event in the stream", TimeSpan.FromSeconds(10));

        // The backlog probe has run (the server counted its XINFO; the test's own connection is not traced).
        await Eventually.ValueAsync(() => XinfoCallsAsync(redis), calls => calls >= 1, "the backlog probe's XINFO at the server", TimeSpan.FromSeconds(10));

        // A marker through the shared connection, after the append and the probe: once its span is out, the flush that
        // would have reported them has run (the instrumentation flushes every 10 s).
        var shared = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var marker = $"marker-{Guid.NewGuid():N}";
        await shared.GetDatabase().StringSetAsync(marker, "1");
        await Eventually.ValueAsync(() => Task.FromResult(Names()), names => names.Contains("SET"), "the marker's span", TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(Names(), name => name.StartsWith("XINFO", StringComparison.Ordinal) || name == "XLEN");
        var costs = gateway.Services.GetRequiredKeyedService<Func<IConnectionMultiplexer>>(AspireRouter.Gateway.Costs.CostServiceExtensions.StreamConnection)();
        Assert.NotSame(shared, costs);
    }

    /// <summary>How many XINFO commands the server has run (<c>INFO commandstats</c>).</summary>
    private static async Task<long> XinfoCallsAsync(ConnectionMultiplexer redis)
    {
        // Lines such as "cmdstat_xinfo|groups:calls=3,usec=…".
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "commandstats") ?? "";
        return info.Split('\n')
            .Where(line => line.StartsWith("cmdstat_xinfo", StringComparison.Ordinal))
            .Sum(line => long.Parse(line.Split(':')[1].Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The Redis spans of this test's server (other tests' gateways run beside it, on servers of their own).</summary>
    private List<string> Names() =>
        [.. _redisSpans.Where(span => Equals(span.GetTagItem("server.port") ?? span.GetTagItem("net.peer.port"), _redis.Port)).Select(span => span.DisplayName)];
}
