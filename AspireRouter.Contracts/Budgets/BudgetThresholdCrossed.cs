using System.Globalization;

namespace AspireRouter.Contracts.Budgets;

/// <summary>
/// A team's spend reached a threshold of one of its budgets: the one event on <see cref="BudgetAlertStream.Name"/>,
/// whoever raises it. A gateway raises it the moment its settlement crosses the threshold (live spend in Redis); the
/// ledger raises it from the spend it recorded (durable: once per threshold and period, whatever restarts). Both give the
/// same <see cref="Id"/> to the same crossing, so a consumer that wants one notification per crossing keeps the first.
/// </summary>
/// <param name="Id">The crossing's identity, <c>{team}/{period}/{periodStart:yyyy-MM-dd}/{thresholdPercent}</c>.</param>
/// <param name="OccurredAt">When the producer saw the threshold crossed.</param>
/// <param name="Team">
/// The budget's owner: a team name, or <c>key:{id}</c> for a virtual key's own budget (see <paramref name="ApiKeyId"/>).
/// </param>
/// <param name="ApiKeyId">The virtual key whose own budget this is; null for a team budget.</param>
/// <param name="Period"><see cref="BudgetPeriods.Daily"/> or <see cref="BudgetPeriods.Monthly"/>.</param>
/// <param name="PeriodStart">First UTC day of the period.</param>
/// <param name="ThresholdPercent">The threshold crossed, in percent of the limit (the unit of <see cref="BudgetOptions.AlertThresholds"/>).</param>
/// <param name="SpentUsd">Spend in the period when the threshold was seen crossed.</param>
/// <param name="LimitUsd">The period's limit.</param>
/// <param name="Source"><see cref="BudgetAlertSources.Gateway"/> or <see cref="BudgetAlertSources.Ledger"/>.</param>
public sealed record BudgetThresholdCrossed(
    string Id,
    DateTimeOffset OccurredAt,
    string Team,
    string? ApiKeyId,
    string Period,
    DateOnly PeriodStart,
    int ThresholdPercent,
    decimal SpentUsd,
    decimal LimitUsd,
    string Source)
{
    /// <summary>The crossing's identity: the same for every producer.</summary>
    public static string IdFor(string team, string period, DateOnly periodStart, int thresholdPercent) =>
        string.Create(CultureInfo.InvariantCulture, $"{team}/{period}/{periodStart:yyyy-MM-dd}/{thresholdPercent}");
}

/// <summary>Values of <see cref="BudgetThresholdCrossed.Period"/>.</summary>
public static class BudgetPeriods
{
    public const string Daily = "daily";
    public const string Monthly = "monthly";
}

/// <summary>Values of <see cref="BudgetThresholdCrossed.Source"/>.</summary>
public static class BudgetAlertSources
{
    public const string Gateway = "gateway";
    public const string Ledger = "ledger";
}
