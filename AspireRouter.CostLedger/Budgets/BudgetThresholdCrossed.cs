namespace AspireRouter.CostLedger.Budgets;

/// <summary>A team's spend reached a threshold of its budget; published once per team, period and threshold.</summary>
public sealed record BudgetThresholdCrossed(
    Guid Id, DateTimeOffset OccurredAt, string Team, string Period, DateOnly PeriodStart, int ThresholdPercent, decimal SpentUsd, decimal LimitUsd)
{
    /// <summary>Redis stream the alerts are published to.</summary>
    public const string StreamName = Contracts.Redis.RedisKeys.Prefix + "budget-alerts";
}
