using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// The emitter's ceiling on <c>ar:costs</c> against a real Redis: above it events wait in the spool, below the resume
/// mark they are replayed into the room the ceiling leaves, each once; a full spool sends to Redis, never loses.
/// The ledger is played by this test: it reads and acknowledges in the ledger's group, as the ledger does.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class CostBackpressureTests(RedisServerFixture redis)
{
    private const string Filler = "{}";

    private static LoggedGateway Gateway(string connectionString, IDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["CostBacklog:Ceiling"] = "20",
            ["CostBacklog:ResumeBelow"] = "10",
            ["CostBacklog:SampleInterval"] = "00:00:00.050",
            ["Costs:ReplayInterval"] = "00:00:00.100",
            ["Costs:BatchLinger"] = "00:00:00",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var gateway = new GatewayFactory(settings);
        return new LoggedGateway(gateway, gateway.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddFakeLogging())));
    }

    private sealed class LoggedGateway(GatewayFactory gateway, Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory) : IAsyncDisposable
    {
        public string SpoolDirectory => gateway.SpoolDirectory;
        public IServiceProvider Services => factory.Services;
        public HttpClient CreateClient() => factory.CreateClient();

        public IReadOnlyList<FakeLogRecord> Logs(int id) =>
            [.. factory.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Id.Id == id)];

        public async ValueTask DisposeAsync()
        {
            await factory.DisposeAsync();
            await gateway.DisposeAsync();
        }
    }

    /// <summary>A ledger group behind by <paramref name="unread"/> entries that are not cost events of this test.</summary>
    private static async Task FallBehindAsync(IDatabase database, int unread)
    {
        await database.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        for (var i = 0; i < unread; i++)
        {
            await database.StreamAddAsync(CostStream.Name, CostStream.EventField, Filler);
        }
    }

    /// <summary>What the ledger does, all at once: reads every unread entry in its group and acknowledges it.</summary>
    private static async Task CatchUpAsync(IDatabase database)
    {
        while (await database.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, "test-ledger", StreamPosition.NewMessages, 1000) is { Length: > 0 } read)
        {
            await database.StreamAcknowledgeAsync(CostStream.Name, CostStream.ConsumerGroup, [.. read.Select(e => e.Id)]);
        }
    }

    /// <summary>The request ids of the cost events in the stream (fillers left out), duplicates kept.</summary>
    private static async Task<List<string>> StreamedIdsAsync(IDatabase database) =>
        [.. (await database.StreamRangeAsync(CostStream.Name))
            .Select(e => (string)e[CostStream.EventField]!)
            .Where(json => json != Filler)
            .Select(json => JsonSerializer.Deserialize(json, CostJsonContext.Default.RequestCostRecorded)!.RequestId)];

    private static async Task<string> PostAsync(HttpClient client)
    {
        using var response = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative),
            new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-AspireRouter-Request-Id").Single();
    }

    private static long Sum(MetricCollector<long> events, string result) =>
        events.GetMeasurementSnapshot().Where(m => Equals(m.Tags["result"], result)).Sum(m => m.Value);

    private static Task WaitAsync(Func<bool> condition, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(condition()), what, TimeSpan.FromSeconds(15));

    [Fact]
    public async Task BacklogAboveCeiling_EventsAreHeldInTheSpool_ThenReplayedIntoTheRoomBelowTheCeiling_EachOnce()
    {
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        var database = connection.GetDatabase();
        await FallBehindAsync(database, 30);
        await using var gateway = Gateway(redis.Server.ConnectionString(db));
        var client = gateway.CreateClient();
        var backpressure = gateway.Services.GetRequiredService<CostBackpressure>();
        using var events = new MetricCollector<long>(gateway.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, "aspirerouter.cost.events");
        await WaitAsync(() => backpressure.HoldingBack, "the gateway holding back at 30 unconsumed entries (ceiling 20)");

        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add(await PostAsync(client));
        }

        // Held back: all 25 in the spool, none added to the stream.
        var spooled = await CostTestKit.SpooledAsync(gateway.SpoolDirectory, 25);
        Assert.Equal(ids.Order(), spooled.Select(e => e.RequestId).Order());
        Assert.Equal(25, Sum(events, "held_back"));
        Assert.Equal(30, await database.StreamLengthAsync(CostStream.Name));
        Assert.Single(gateway.Logs(4011));

        // The ledger catches up: the backlog falls below the resume mark, and the spool is replayed only up to the
        // ceiling (20 of 25); that reaches the ceiling again, so the gateway holds back once more.
        await CatchUpAsync(database);
        await WaitAsync(() => Sum(events, "replayed") == 20, "20 events replayed");
        Assert.True(backpressure.HoldingBack);
        Assert.Equal(20, (await StreamedIdsAsync(database)).Count);

        // The ledger catches up again: the last 5 follow, and new requests go straight to the stream.
        await CatchUpAsync(database);
        await WaitAsync(() => Sum(events, "replayed") == 25 && !backpressure.HoldingBack, "every held event replayed");
        ids.Add(await PostAsync(client));
        var streamed = await Eventually.ValueAsync(() => StreamedIdsAsync(database), s => s.Count == 26, "26 events in the stream", TimeSpan.FromSeconds(15));
        Assert.Equal(ids.Order(), streamed.Order()); // each exactly once
        Assert.Empty(CostTestKit.ReadSpool(gateway.SpoolDirectory));
        Assert.Equal(0, Sum(events, "lost"));
        Assert.Equal(0, Sum(events, "over_ceiling"));
        Assert.Equal(2, gateway.Logs(4011).Count);
        Assert.Equal(2, gateway.Logs(4012).Count);
    }

    [Fact]
    public async Task SpoolAtItsBound_HeldBackEventsGoToRedisOverTheCeiling_CountedAndLoggedOnce_NoneLost()
    {
        const long maxSpoolBytes = 16 * 1024;
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        var database = connection.GetDatabase();
        await FallBehindAsync(database, 30);
        await using var gateway = Gateway(redis.Server.ConnectionString(db), new Dictionary<string, string>
        {
            ["Costs:MaxSpoolBytes"] = maxSpoolBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var client = gateway.CreateClient();
        var backpressure = gateway.Services.GetRequiredService<CostBackpressure>();
        var spool = gateway.Services.GetRequiredService<CostSpool>();
        using var events = new MetricCollector<long>(gateway.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, "aspirerouter.cost.events");
        await WaitAsync(() => backpressure.HoldingBack, "the gateway holding back");

        var ids = new List<string>();
        while (ids.Count < 200 && Sum(events, "over_ceiling") < 20)
        {
            ids.Add(await PostAsync(client));
            await WaitAsync(() => Sum(events, "held_back") + Sum(events, "over_ceiling") == ids.Count
                && CostTestKit.ReadSpool(gateway.SpoolDirectory).Count == Sum(events, "held_back"), "the event in the spool or over the ceiling");
        }

        // Each event is in exactly one place: the bounded spool or, past its bound, the stream.
        var spooled = await CostTestKit.SpooledAsync(gateway.SpoolDirectory, (int)Sum(events, "held_back"));
        var streamed = await StreamedIdsAsync(database);
        Assert.Equal(Sum(events, "over_ceiling"), streamed.Count);
        Assert.Equal(ids.Order(), spooled.Select(e => e.RequestId).Concat(streamed).Order());
        Assert.InRange(spool.Bytes, maxSpoolBytes, maxSpoolBytes + 2048); // written one event at a time: at most one past the bound
        Assert.Equal(0, Sum(events, "lost"));
        var error = Assert.Single(gateway.Logs(4013));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.True(backpressure.HoldingBack);
    }

    [Fact]
    public void Policy_ResumeMarkNotBelowTheCeiling_IsRejected_QuotingBoth()
    {
        Assert.True(new CostBacklogOptionsValidator().Validate(null, new CostBacklogOptions()).Succeeded);
        Assert.True(new CostBacklogOptionsRulesValidator().Validate(null, new CostBacklogOptions()).Succeeded);

        var result = new CostBacklogOptionsRulesValidator().Validate(null, new CostBacklogOptions { Ceiling = 100, ResumeBelow = 100 });

        Assert.True(result.Failed);
        Assert.Contains("CostBacklog:ResumeBelow (100) must be below CostBacklog:Ceiling (100)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_BadValues_StopTheGatewayAtStartUp()
    {
        var failure = StartupFailure.Of(
            () => new GatewayFactory(new Dictionary<string, string>
            {
                ["CostBacklog:Ceiling"] = "10",
                ["CostBacklog:ResumeBelow"] = "50",
            }),
            gateway => gateway.CreateClient());

        var error = Assert.IsAssignableFrom<Microsoft.Extensions.Options.OptionsValidationException>(failure);
        Assert.Contains("CostBacklog:ResumeBelow (50)", error.Message, StringComparison.Ordinal);
    }
}
