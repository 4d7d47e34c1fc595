using System.Net;
using System.Text;
using AspireRouter.Contracts.Redis;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// Budgets always settle, whatever happens after admission: a success, a chain that fails, a client that walks away
/// mid-stream. No reservation outlives its request, and the spend is what was billed. A hedge tops the reservation up
/// first, and starts only when the budget has room for it.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class BudgetSettlementTests(RedisServerFixture redis)
{
    private const string Team = "settle";
    private const string Model = "deepseek-v4-flash"; // $0.07 in, $0.25 out per million

    private static GatewayFactory Gateway(string connectionString, string dailyUsd = "10", IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = connectionString,
            [$"Budgets:Teams:{Team}:DailyUsd"] = dailyUsd,
            ["Budgets:RedisTimeout"] = "00:00:05",
            ["Budgets:FailOpen"] = "false",
            ["Registry:Categories:light:Timeout"] = "00:00:05",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return new GatewayFactory(settings);
    }

    private static HttpRequestMessage Request(string model, bool stream = false) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent(
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":100,"messages":[{"role":"user","content":"hello"}]}""",
            Encoding.UTF8,
            "application/json"),
        Headers = { { "X-AspireRouter-Team", Team } },
    };

    private static async Task<(long Spent, int Reservations)> DayAsync(IConnectionMultiplexer connection)
    {
        var hash = await connection.GetDatabase().HashGetAllAsync(RedisKeys.BudgetDay(Team, DateOnly.FromDateTime(DateTime.UtcNow)));
        return (
            hash.Where(e => e.Name == BudgetFields.Spent).Select(e => (long)e.Value).SingleOrDefault(),
            hash.Count(e => ((string)e.Name!).StartsWith("r:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Success_AndAFailedChain_BothLeaveNoReservation()
    {
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        await using var factory = Gateway(redis.Server.ConnectionString(db));
        factory.Stub.On(Model, (_, _) => Task.FromResult(CostTestKit.Completion(Model, 1000, 1000))); // 0.07 + 0.25 milli-USD
        var client = factory.CreateClient();

        using (var ok = await client.SendAsync(Request(Model)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal((320, 0), await DayAsync(connection));

        factory.Stub.On(Model, HttpStatusCode.ServiceUnavailable);
        using (var failed = await client.SendAsync(Request(Model)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        Assert.Equal((320, 0), await DayAsync(connection)); // settled at zero: nothing was billed
    }

    [Fact]
    public async Task ClientWalksAwayMidStream_TheReservationIsSettledWithWhatWasStreamed()
    {
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        await using var factory = Gateway(redis.Server.ConnectionString(db));
        var stalled = new TaskCompletionSource();
        factory.Stub.On(Model, (_, token) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new FirstChunkThenStall(Encoding.UTF8.GetBytes(StubProvider.Chunk(Model, "partial answer")), stalled.Task)),
        }));
        var client = factory.CreateClient();

        using var cancel = new CancellationTokenSource();
        using var response = await client.SendAsync(Request(Model, stream: true), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
        var first = new byte[1024];
        Assert.True(await body.ReadAsync(first, cancel.Token) > 0);
        await cancel.CancelAsync(); // the client leaves while the provider is still generating

        var settled = await Eventually.ValueAsync(() => DayAsync(connection), day => day.Reservations == 0, "the reservation settled", TimeSpan.FromSeconds(10));
        Assert.True(settled.Spent > 0, "the prompt and what was streamed are billed"); // an estimate: no usage came
        stalled.TrySetResult();
    }

    [Fact]
    public async Task AHedge_StartsOnlyWhenTheBudgetHasRoomForASecondAttempt()
    {
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        // light hedges after 50 ms; 100 max_tokens at deepseek's price is ~25.3 micro-USD per attempt.
        var hedging = new Dictionary<string, string>
        {
            ["Registry:Categories:light:Hedging:Enabled"] = "true",
            ["Registry:Categories:light:Hedging:Delay"] = "00:00:00.050",
            ["Registry:Categories:light:Hedging:MaxShare"] = "1",
        };
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            hedging[$"Registry:Models:{model}:Price:OutputPerMillion"] = "0.25";
            hedging[$"Registry:Models:{model}:Price:InputPerMillion"] = "0.07";
        }

        await using var roomy = Gateway(redis.Server.ConnectionString(db), "10", hedging);
        await using var tight = Gateway(redis.Server.ConnectionString(redis.Server.NextDatabase()), "0.00004", hedging); // 40 micro-USD: one attempt
        foreach (var factory in new[] { roomy, tight })
        {
            factory.Stub.On("qwen-3-8b", async (_, token) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(400), token);
                return CostTestKit.Completion("qwen-3-8b", 10, 10);
            });
        }

        using var hedged = await roomy.CreateClient().SendAsync(Request("light"));
        Assert.Equal(HttpStatusCode.OK, hedged.StatusCode);
        Assert.Equal("2", hedged.Headers.GetValues("X-AspireRouter-Attempts").Single());

        using var alone = await tight.CreateClient().SendAsync(Request("light"));
        Assert.Equal(HttpStatusCode.OK, alone.StatusCode);
        Assert.Equal("1", alone.Headers.GetValues("X-AspireRouter-Attempts").Single()); // no room for a hedge: the first ran on
        Assert.Equal("qwen-3-8b", alone.Headers.GetValues("X-AspireRouter-Model").Single());
        Assert.Equal(0, (await DayAsync(connection)).Reservations);
    }
}
