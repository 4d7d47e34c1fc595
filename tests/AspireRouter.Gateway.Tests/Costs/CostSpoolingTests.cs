using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// The spool never blocks a request: a request only enqueues its cost event; a hung Redis or a stalled spool delays or
/// loses events (counted, logged, on /health), never the answer.
/// </summary>
public sealed class CostSpoolingTests
{
    /// <summary>
    /// Far above a request's own time, far below a hang: a blocked request never finished at all. Generous, since the
    /// test classes of this project run in parallel on a small machine.
    /// </summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(3);

    private static HttpRequestMessage Chat(bool stream = false) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent($$"""{"model":"light","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
    };

    /// <summary>
    /// Sends one request; it must be answered 200, within <see cref="Prompt"/> unless it is a <paramref name="warmUp"/>
    /// (a fresh gateway compiles its whole request path on the first one). Returns its request id.
    /// </summary>
    private static async Task<string> PromptlyAsync(HttpClient client, bool stream = false, bool warmUp = false)
    {
        using var deadline = new CancellationTokenSource(Prompt * 10);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(Chat(stream), deadline.Token);
        await response.Content.ReadAsStringAsync(deadline.Token);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(warmUp || elapsed < Prompt, $"the request took {elapsed.TotalMilliseconds:0} ms");
        return response.Headers.GetValues("X-Request-Id").Single();
    }

    private static long Sum(MetricCollector<long> events, string result) =>
        events.GetMeasurementSnapshot().Where(m => Equals(m.Tags["result"], result)).Sum(m => m.Value);

    [Fact]
    public async Task SpoolStalls_AndBothQueuesFill_RequestsStillComplete_AndEveryLostEventIsCountedLoggedAndAlerted()
    {
        const int requests = 80;
        using var gateway = new GatewayFactory(new Dictionary<string, string>
        {
            // Redis is unreachable (the factory's closed port) and the spool's file never accepts a write.
            ["Costs:QueueCapacity"] = "16",
            ["Costs:SpoolQueueCapacity"] = "16",
            ["Costs:BatchSize"] = "4",
            ["Costs:BatchLinger"] = "00:00:00",
        });
        using var stuck = new StuckSpoolFile(gateway.SpoolDirectory);
        var factory = gateway.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddFakeLogging()));
        try
        {
            var client = factory.CreateClient();
            using var events = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, "aspirerouter.cost.events");

            for (var i = 0; i < requests; i++)
            {
                await PromptlyAsync(client, stream: i % 3 == 0, warmUp: i == 0);
            }

            // Counted: lost events are a metric; logged: one rate-limited warning; alerted: the cost-events check of /health is Degraded.
            await Eventually.TrueAsync(() => Task.FromResult(Sum(events, "lost") > 0), "lost events counted", TimeSpan.FromSeconds(10));
            var warnings = factory.Services.GetRequiredService<FakeLogCollector>().GetSnapshot()
                .Where(r => r.Id.Id == 4005 && r.Level == LogLevel.Warning).ToList();
            Assert.Single(warnings);
            var health = await factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "cost-events");
            Assert.Equal(HealthStatus.Degraded, health.Status);

            // Once the spool takes writes again, what it was given reaches it: nothing unaccounted for.
            stuck.Release();
            await factory.DisposeAsync();
            var spooled = stuck.Finish();
            Assert.Equal(Sum(events, "spooled"), spooled.Count);
            Assert.Equal(requests, Sum(events, "spooled") + Sum(events, "lost"));
            Assert.All(spooled, line => JsonSerializer.Deserialize(line, CostJsonContext.Default.RequestCostRecorded));
        }
        finally
        {
            stuck.Release();
            await factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task RedisHangs_RequestsCompletePromptly_EventsAreSpooled_ThenReplayedWhenItAnswers()
    {
        await using var server = await RedisServer.StartAsync();
        using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = server.ConnectionString(0),
            ["Costs:RedisTimeout"] = "00:00:00.300",
            ["Costs:ReplayInterval"] = "00:00:00.100",
            ["Registry:Categories:light:Timeout"] = "00:00:10",
        });
        var client = factory.CreateClient();
        await using var connection = await server.ConnectAsync(0);
        var database = connection.GetDatabase();
        using var events = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, "aspirerouter.cost.events");

        var ids = new List<string> { await PromptlyAsync(client, warmUp: true), await PromptlyAsync(client, stream: true) };
        await Eventually.TrueAsync(async () => await database.StreamLengthAsync(CostStream.Name) == 2, "the first events in the stream", TimeSpan.FromSeconds(10));

        server.Freeze();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await PromptlyAsync(client, stream: i % 2 == 0));
            }

            await Eventually.TrueAsync(() => Task.FromResult(Sum(events, "spooled") >= 20), "20 events spooled while Redis hangs", TimeSpan.FromSeconds(10));
        }
        finally
        {
            server.Thaw();
        }

        // Replayed once Redis answers: every request's event is in the stream (a batch that timed out but was executed
        // late by the thawed server may appear twice; the ledger keeps one row per request id).
        var inStream = await Eventually.ValueAsync(
            async () => (await database.StreamRangeAsync(CostStream.Name))
                .Select(e => JsonSerializer.Deserialize((string)e[CostStream.EventField]!, CostJsonContext.Default.RequestCostRecorded)!.RequestId)
                .ToHashSet(),
            set => set.SetEquals(ids), "every request's event in the stream", TimeSpan.FromSeconds(15));
        Assert.Equal(22, inStream.Count);
        await Eventually.TrueAsync(() => Task.FromResult(Sum(events, "replayed") >= 20), "20 events replayed", TimeSpan.FromSeconds(10));
        Assert.Empty(CostTestKit.ReadSpool(factory.SpoolDirectory));
        Assert.Equal(0, Sum(events, "lost"));
    }
}
