using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Reports;

/// <summary><c>/v1/spend/series</c>: spend per hour or day per group, every bucket present, and <c>groupBy=key</c> on <c>/v1/spend</c>.</summary>
[Collection(LedgerCollection.Name)]
public sealed class SpendSeriesApiTests(LedgerInfrastructure infrastructure)
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 10, 15, 0, TimeSpan.Zero);

    [Fact]
    public async Task Series_ByHour_OneValuePerBucketPerGroup_ZeroWhereNothingWasSpent()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        await harness.PublishManyAsync(
        [
            CostEvents.Make(at: At, team: "alpha", model: "qwen-3-8b", cost: 1m) with { ApiKeyId = "key_a" },
            CostEvents.Make(at: At.AddMinutes(30), team: "alpha", model: "qwen-3-8b", cost: 2m) with { ApiKeyId = "key_a" },
            CostEvents.Make(at: At.AddHours(2), team: "beta", model: "glm-5", cost: 4m),
        ]);
        var client = harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 3, "3 rows");

        using var json = await client.GetFromJsonAsync<JsonDocument>("/v1/spend/series?groupBy=team&interval=hour&from=2026-05-01T09:30:00Z&to=2026-05-01T13:00:00Z");
        var root = json!.RootElement;
        Assert.Equal(["2026-05-01T09:00:00+00:00", "2026-05-01T10:00:00+00:00", "2026-05-01T11:00:00+00:00", "2026-05-01T12:00:00+00:00"],
            root.GetProperty("buckets").EnumerateArray().Select(b => b.GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:sszzz")));
        var series = root.GetProperty("series").EnumerateArray().ToDictionary(
            s => s.GetProperty("key").GetString()!, s => string.Join(',', s.GetProperty("costUsd").EnumerateArray().Select(v => v.GetDecimal().ToString("0.##"))));
        Assert.Equal(["beta", "alpha"], series.Keys); // highest total first
        Assert.Equal("0,0,0,4", series["beta"]);
        Assert.Equal("0,3,0,0", series["alpha"]);

        using var byDay = await client.GetFromJsonAsync<JsonDocument>("/v1/spend/series?groupBy=model&interval=day&from=2026-04-30&to=2026-05-02");
        Assert.Equal(2, byDay!.RootElement.GetProperty("buckets").GetArrayLength());
        Assert.Equal("glm-5", byDay.RootElement.GetProperty("series")[0].GetProperty("key").GetString());
        Assert.Equal(4m, byDay.RootElement.GetProperty("series")[0].GetProperty("costUsd")[1].GetDecimal());

        using var keys = await client.GetFromJsonAsync<JsonDocument>("/v1/spend?groupBy=key&from=2026-05-01&to=2026-05-02");
        Assert.Equal("(none)=4;key_a=3", string.Join(';', keys!.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => $"{g.GetProperty("key").GetString()}={g.GetProperty("costUsd").GetDecimal():0.##}")));
    }
}
