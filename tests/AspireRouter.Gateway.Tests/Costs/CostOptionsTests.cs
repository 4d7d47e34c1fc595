using AspireRouter.Gateway.Budgets;
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
                ["ok"] = new TeamBudget { DailyUsd = 0, AlertThresholds = [0.5, -1] },
            },
        };

        var result = new BudgetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Budgets:Teams:bad team", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("DailyUsd=0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("[0.5, -1]", result.FailureMessage, StringComparison.Ordinal);
    }
}
