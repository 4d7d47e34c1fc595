using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Registry;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Reports;

[Collection(LedgerCollection.Name)]
public sealed class SpendApiTests(LedgerInfrastructure infrastructure)
{
    private static readonly DateTimeOffset Day1 = new(2026, 4, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);

    private static async Task<(LedgerHarness Harness, HttpClient Client)> SeededAsync(LedgerInfrastructure infrastructure)
    {
        var harness = await LedgerHarness.CreateAsync(infrastructure);
        await harness.PublishManyAsync(
        [
            CostEvents.Make(at: Day1, team: "alpha", user: "ann", feature: "chat", category: "general", model: "deepseek-v4-flash", cost: 1m, input: 1000, output: 100),
            CostEvents.Make(at: Day1, team: "alpha", user: "bob", feature: "search", category: "light", model: "qwen-3-8b", cost: 2m, input: 2000, output: 200),
            CostEvents.Make(at: Day2, team: "beta", user: "ann", feature: null, category: "general", model: "qwen-3-32b", cost: 4m, input: 4000, output: 400, region: "cn"),
            CostEvents.Make(at: Day2.AddDays(5), team: "beta", cost: 100m),   // outside the range below
        ]);
        var client = harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 4, "4 rows");
        return (harness, client);
    }

    [Theory]
    [InlineData("team", "beta=4,1;alpha=3,2")]
    [InlineData("user", "ann=5,2;bob=2,1")]
    [InlineData("feature", "(none)=4,1;search=2,1;chat=1,1")]
    [InlineData("category", "general=5,2;light=2,1")]
    [InlineData("model", "qwen-3-32b=4,1;qwen-3-8b=2,1;deepseek-v4-flash=1,1")]
    [InlineData("region", "cn=4,1;global=3,2")]
    [InlineData("day", "2026-04-01=3,2;2026-04-02=4,1")]
    public async Task Spend_GroupBy_TotalsEachGroup(string groupBy, string expected)
    {
        var (harness, client) = await SeededAsync(infrastructure);
        await using var _ = harness;

        using var json = await client.GetFromJsonAsync<JsonDocument>($"/v1/spend?from=2026-04-01&to=2026-04-03&groupBy={groupBy}");
        var groups = json!.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => $"{g.GetProperty("key").GetString()}={g.GetProperty("costUsd").GetDecimal():0.##},{g.GetProperty("requests").GetInt64()}");
        var actual = string.Join(';', groups);
        Assert.Equal(expected, actual);
        Assert.Equal(7m, json.RootElement.GetProperty("total").GetProperty("costUsd").GetDecimal());
        Assert.Equal(groupBy, json.RootElement.GetProperty("groupBy").GetString());
    }

    [Fact]
    public async Task SpendCsv_SameReport_AsCsvWithHeader()
    {
        var (harness, client) = await SeededAsync(infrastructure);
        await using var _ = harness;

        using var response = await client.GetAsync(new Uri("/v1/spend.csv?from=2026-04-01&to=2026-04-03&groupBy=team", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("team,requests,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost_usd", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("beta,1,4000,0,400,0,4", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("alpha,2,3000,0,300,0,3", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Savings_BaselineIsEachRowAtThePriciestChainModel()
    {
        var (harness, client) = await SeededAsync(infrastructure);
        await using var _ = harness;
        var registry = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());
        decimal Baseline(string category, long input, long output) =>
            registry.Categories[category].Chain.Max(m => registry.Models[m].Price.Cost(input, 0, output));

        using var json = await client.GetFromJsonAsync<JsonDocument>("/v1/spend/savings?from=2026-04-01&to=2026-04-03");
        var root = json!.RootElement;
        var general = Baseline("general", 1000, 100) + Baseline("general", 4000, 400);
        var light = Baseline("light", 2000, 200);
        Assert.Equal(7m, root.GetProperty("actualCostUsd").GetDecimal());
        Assert.Equal(general + light, root.GetProperty("baselineCostUsd").GetDecimal());
        Assert.Equal(general + light - 7m, root.GetProperty("savingUsd").GetDecimal());
        var categories = root.GetProperty("categories").EnumerateArray().ToDictionary(c => c.GetProperty("category").GetString()!);
        Assert.Equal(general, categories["general"].GetProperty("baselineCostUsd").GetDecimal());
        Assert.Equal(light, categories["light"].GetProperty("baselineCostUsd").GetDecimal());
        var priciest = registry.Categories["general"].Chain.MaxBy(m => registry.Models[m].Price.Cost(5000, 0, 500));
        Assert.Equal(priciest, categories["general"].GetProperty("baselineModel").GetString());
    }

    [Theory]
    [InlineData("/v1/spend?groupBy=planet", "groupBy")]
    [InlineData("/v1/spend?from=yesterday", "from")]
    [InlineData("/v1/spend?to=2026-13-45", "to")]
    [InlineData("/v1/spend?from=2026-04-03&to=2026-04-01", "from")]
    [InlineData("/v1/spend.csv?from=2020-01-01&to=2026-01-01", "from")]
    [InlineData("/v1/spend/savings?from=nope", "from")]
    [InlineData("/v1/spend/series?groupBy=user", "groupBy")]
    [InlineData("/v1/spend/series?interval=minute", "interval")]
    [InlineData("/v1/spend/series?interval=hour&from=2026-01-01&to=2026-03-01", "interval")]
    [InlineData("/v1/spend/series?from=never", "from")]
    public async Task Spend_BadParameters_Answers400InOpenAiShape(string url, string param)
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var client = harness.StartLedger();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("code", out _));
    }
}
