using AspireRouter.Contracts.Budgets;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Budgets;

/// <summary>
/// Raises a budget alert that a settlement crossed (the settle script decides, atomically, that it is the first time in
/// the period): a warning (event 4201), the <c>aspirerouter.budget.alerts</c> metric and a
/// <see cref="BudgetThresholdCrossed"/> from source <c>gateway</c> on <see cref="BudgetAlertStream.Name"/>.
/// </summary>
public sealed partial class BudgetAlertPublisher(BudgetMetrics metrics, IOptionsMonitor<BudgetOptions> options, TimeProvider time, ILogger<BudgetAlertPublisher> logger)
{
    private const decimal MicroPerUsd = 1_000_000m;

    /// <param name="database">Where the settlement ran.</param>
    /// <param name="team">The budget's owner: a team, or <c>key:{id}</c> for a virtual key's own budget.</param>
    /// <param name="period">The settle script's period: <c>day</c> or <c>month</c>.</param>
    /// <param name="day">The reservation's UTC day.</param>
    /// <param name="percent">The threshold crossed, in percent of the limit.</param>
    /// <param name="spentMicroUsd">The period's spend after the settlement.</param>
    /// <param name="limitMicroUsd">The period's limit.</param>
    public async Task RaiseAsync(IDatabaseAsync database, string team, string period, DateOnly day, int percent, long spentMicroUsd, long limitMicroUsd)
    {
        var (spent, limit) = (spentMicroUsd / MicroPerUsd, limitMicroUsd / MicroPerUsd);
        metrics.Alert(team, period, percent);
        LogAlert(logger, team, percent, period, spent, limit);
        var daily = period == "day";
        var alertPeriod = daily ? BudgetPeriods.Daily : BudgetPeriods.Monthly;
        var periodStart = daily ? day : new DateOnly(day.Year, day.Month, 1);
        var alert = new BudgetThresholdCrossed(
            BudgetThresholdCrossed.IdFor(team, alertPeriod, periodStart, percent), time.GetUtcNow(), team,
            team.StartsWith("key:", StringComparison.Ordinal) ? team[4..] : null,
            alertPeriod, periodStart, percent, spent, limit, BudgetAlertSources.Gateway);
        try
        {
            await BudgetAlertStream.PublishAsync(database, alert).WaitAsync(options.CurrentValue.RedisTimeout);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Logged and counted above; the ledger raises the same crossing from what it records.
            LogPublishFailed(logger, alert.Id, ex.GetType().Name);
        }
    }

    [LoggerMessage(4201, LogLevel.Warning, "Budget alert: {Team} has spent {Percent}% of its {Period} budget (${Spent} of ${Limit}).")]
    private static partial void LogAlert(ILogger logger, string team, int percent, string period, decimal spent, decimal limit);

    [LoggerMessage(4205, LogLevel.Warning, "Could not publish budget alert {AlertId} to the alert stream ({Failure}).")]
    private static partial void LogPublishFailed(ILogger logger, string alertId, string failure);
}
