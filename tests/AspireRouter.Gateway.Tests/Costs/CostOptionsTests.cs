using AspireRouter.Contracts.Budgets;
using AspireRouter.Gateway.Costs;

namespace AspireRouter.Gateway.Tests.Costs;

public sealed class CostOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new CostOptionsValidator().Validate(null, new CostOptions()).Succeeded);
        Assert.True(new CostOptionsRulesValidator().Validate(null, new CostOptions()).Succeeded);
        Assert.True(new BudgetOptionsValidator().Validate(null, new BudgetOptions()).Succeeded);
    }

    [Fact]
    public void SpoolDirectory_IsPerRegion()
    {
        var configured = CostServiceExtensions.SpoolDirectory(new CostOptions { SpoolDirectory = "/data/spool", SpoolPerInstance = true }, "/app", "cn");

        Assert.Equal(Path.Combine("/data/spool", "cn"), configured);
        Assert.Equal(Path.Combine("/app", ".data", "cost-spool", "global"), CostServiceExtensions.SpoolDirectory(new CostOptions(), "/app", "global"));
    }

    [Fact]
    public void Costs_BadTimings_AreRejected_QuotingTheValues()
    {
        var result = new CostOptionsRulesValidator().Validate(null, new CostOptions { RedisTimeout = TimeSpan.Zero, ReplayInterval = TimeSpan.FromDays(1) });

        Assert.True(result.Failed);
        Assert.Contains("Costs:RedisTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Costs:ReplayInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Budgets_BadTeamNameLimitsAndThresholds_AreRejected()
    {
        var options = new BudgetOptions
        {
            Teams =
            {
                ["bad team"] = new TeamBudget { DailyUsd = 1 },
                ["ok"] = new TeamBudget { DailyUsd = 0, AlertThresholds = [0.5, -1, 80.5] },
            },
        };

        var result = new BudgetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Budgets:Teams:bad team", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Budgets:Teams:ok:DailyUsd must be a positive USD amount (leave it out for no limit); got 0.", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("has 0.5: thresholds are whole percents of the limit from 1 to 1000, e.g. 80 for 80 % (for 0.5 of the limit write 50)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("has -1:", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("has 80.5:", result.FailureMessage, StringComparison.Ordinal);
    }
}

/// <summary>Budgets with Redis unreachable (the factory's default closed port): fail open or closed as configured.</summary>
public sealed class BudgetOutageTests
{
    [Theory]
    [InlineData(true, System.Net.HttpStatusCode.OK)]
    [InlineData(false, System.Net.HttpStatusCode.ServiceUnavailable)]
    public async Task RedisDown_BudgetedTeam_FollowsFailOpen(bool failOpen, System.Net.HttpStatusCode expected)
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["Budgets:Teams:capped:DailyUsd"] = "1",
            ["Budgets:FailOpen"] = failOpen ? "true" : "false",
        });
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("X-AspireRouter-Team", "capped");

        var response = await factory.CreateClient().SendAsync(message);

        Assert.Equal(expected, response.StatusCode);
        if (!failOpen)
        {
            Assert.Contains("\"code\":\"budget_unavailable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
