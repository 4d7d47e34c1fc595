using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Budgets;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AspireRouter.CostLedger.Tests.Budgets;

[Collection(LedgerCollection.Name)]
public sealed class BudgetTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task Budgets_SpendAgainstLimits_StatusAndOneAlertPerThreshold()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Budgets:Teams:alpha:DailyUsd"] = "1",
            ["Budgets:Teams:alpha:MonthlyUsd"] = "10",
            ["Budgets:Teams:beta:DailyUsd"] = "100",
            ["Budgets:CheckInterval"] = "00:00:00.200",
        });
        await harness.PublishManyAsync([CostEvents.Make(team: "alpha", cost: 0.6m), CostEvents.Make(team: "alpha", cost: 0.25m)]);
        var client = harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 2, "2 rows");

        using var json = await client.GetFromJsonAsync<JsonDocument>("/v1/budgets");
        var alpha = json!.RootElement.GetProperty("teams").EnumerateArray().Single(t => t.GetProperty("team").GetString() == "alpha");
        Assert.Equal(0.85m, alpha.GetProperty("daily").GetProperty("spentUsd").GetDecimal());
        Assert.Equal(85m, alpha.GetProperty("daily").GetProperty("percent").GetDecimal());
        Assert.Equal([50, 80], alpha.GetProperty("daily").GetProperty("crossedThresholds").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal(8.5m, alpha.GetProperty("monthly").GetProperty("percent").GetDecimal());

        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(BudgetAlertStream.Name) == 2, "2 alert events");
        // A later check: beta crosses 50 % now. Teams are checked in order, so the check that raises beta's alert checked
        // alpha again just before: still one alert per threshold.
        await harness.PublishAsync(CostEvents.Make(team: "beta", cost: 60m));
        await LedgerHarness.EventuallyAsync(async () => (await harness.Redis.StreamRangeAsync(BudgetAlertStream.Name))
            .Any(e => BudgetAlertStream.Parse(e)!.Team == "beta"), "beta's alert, raised by a later check");
        // Each entry is the one alert contract, as the gateways write it too.
        var all = (await harness.Redis.StreamRangeAsync(BudgetAlertStream.Name)).Select(e => BudgetAlertStream.Parse(e)!).ToList();
        Assert.Equal([50], all.Where(a => a.Team == "beta").Select(a => a.ThresholdPercent));
        var alerts = all.Where(a => a.Team != "beta").ToList();
        Assert.Equal([50, 80], alerts.Select(a => a.ThresholdPercent).Order());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.All(alerts, a => Assert.Equal(("alpha", null, BudgetPeriods.Daily, today, 1m, BudgetAlertSources.Ledger), (a.Team, a.ApiKeyId, a.Period, a.PeriodStart, a.LimitUsd, a.Source)));
        Assert.All(alerts, a => Assert.True(a.SpentUsd * 100 >= a.ThresholdPercent * a.LimitUsd, $"{a.SpentUsd} spent at {a.ThresholdPercent} %"));
        Assert.All(alerts, a => Assert.Equal(BudgetThresholdCrossed.IdFor("alpha", BudgetPeriods.Daily, today, a.ThresholdPercent), a.Id));
        await using var db = harness.CreateDbContext();
        Assert.Equal([50, 80], await db.BudgetAlerts.Where(a => a.Team == "alpha" && a.Period == "daily").Select(a => a.ThresholdPercent).OrderBy(t => t).ToListAsync());
    }
}
