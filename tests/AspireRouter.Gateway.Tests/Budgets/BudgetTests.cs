using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Budgets;
using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Tests.Costs;

namespace AspireRouter.Gateway.Tests.Budgets;

/// <summary>Hard budgets through the in-process gateway against the shared redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class BudgetTests(RedisServerFixture redis)
{
    private const string Model = "deepseek-v4-flash"; // $0.07 in, $0.25 out per million

    private static GatewayFactory Gateway(string connectionString, string team, string dailyUsd, string? thresholds = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = connectionString,
            [$"Budgets:Teams:{team}:DailyUsd"] = dailyUsd,
            ["Budgets:RedisTimeout"] = "00:00:05",
            ["Budgets:FailOpen"] = "false",
        };
        if (thresholds is not null)
        {
            var values = thresholds.Split(',');
            for (var i = 0; i < values.Length; i++)
            {
                settings[$"Budgets:Teams:{team}:AlertThresholds:{i}"] = values[i];
            }
        }

        var factory = new GatewayFactory(settings);
        factory.Stub.On(Model, async (_, token) =>
        {
            await Task.Delay(20, token);
            return CostTestKit.Completion(Model, 10, 100);
        });
        return factory;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string team)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","max_tokens":100,"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("X-AspireRouter-Team", team);
        return client.SendAsync(message);
    }

    [Fact]
    public async Task FiftyParallelRequests_SpendNeverPassesTheLimitPlusOneReservation()
    {
        var db = redis.Server.NextDatabase();
        await using var factory = Gateway(redis.Server.ConnectionString(db), "capped", "0.0002"); // 200 micro-USD
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PostAsync(client, "capped")));

        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(50, ok.Count + refused.Count);
        Assert.NotEmpty(ok);
        Assert.NotEmpty(refused);
        const decimal reservation = (2 * 0.07m + 100 * 0.25m) / 1_000_000m; // prompt "hello" (+ message overhead) + max_tokens, an upper bound
        var charged = ok.Sum(r => decimal.Parse(r.Headers.GetValues("X-AspireRouter-Cost-Usd").Single(), CultureInfo.InvariantCulture));
        Assert.True(charged <= 0.0002m + reservation, $"charged {charged}");
        await using var connection = await redis.Server.ConnectAsync(db);
        var spent = (long)await connection.GetDatabase().HashGetAsync(RedisKeys.BudgetDay("capped", DateOnly.FromDateTime(DateTime.UtcNow)), BudgetFields.Spent);
        Assert.InRange(spent, 1, 200 + 27);
        Assert.Equal(ok.Count * 26, spent); // each request's real cost (25.7 micro-USD) rounded up, settled once
    }

    [Fact]
    public async Task OverBudget_Is429BudgetExceeded_InOpenAiShape()
    {
        var db = redis.Server.NextDatabase();
        await using var factory = Gateway(redis.Server.ConnectionString(db), "tiny", "0.00001"); // less than one reservation
        var client = factory.CreateClient();

        var response = await PostAsync(client, "tiny");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
        Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains("daily budget of $0.00001", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(factory.Stub.Requests);
    }

    [Fact]
    public async Task AlertThresholds_FireOncePerPeriod_IntoTheAlertStream()
    {
        var db = redis.Server.NextDatabase();
        await using var factory = Gateway(redis.Server.ConnectionString(db), "alerted", "0.0001", "50,70"); // 100 micro-USD; percents
        var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await PostAsync(client, "alerted")).StatusCode);
        }

        // 26, 52 (>= 50%), 78 (>= 70%) micro-USD; the fourth reservation would pass 100.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(3));
        Assert.All(statuses.Skip(3), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        await using var connection = await redis.Server.ConnectAsync(db);
        // Each entry is the one alert contract, as the ledger writes it too.
        var alerts = (await connection.GetDatabase().StreamRangeAsync(BudgetAlertStream.Name)).Select(e => BudgetAlertStream.Parse(e)!).ToList();
        Assert.Equal([50, 70], alerts.Select(a => a.ThresholdPercent));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.All(alerts, a => Assert.Equal(("alerted", null, BudgetPeriods.Daily, today, 0.0001m, BudgetAlertSources.Gateway), (a.Team, a.ApiKeyId, a.Period, a.PeriodStart, a.LimitUsd, a.Source)));
        Assert.Equal(["alerted/daily/" + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/50", "alerted/daily/" + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/70"], alerts.Select(a => a.Id));
        Assert.All(alerts, a => Assert.True(a.SpentUsd * 100 >= a.ThresholdPercent * a.LimitUsd, $"{a.SpentUsd} spent at {a.ThresholdPercent} %"));
    }
}
