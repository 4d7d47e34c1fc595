using AspireRouter.Contracts.Budgets;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using AspireRouter.CostLedger.Telemetry;

namespace AspireRouter.CostLedger.Budgets;

/// <summary>
/// Compares spend with budgets on a schedule and raises each crossed threshold once per period: a warning log, the
/// <c>ledger.budget.alerts</c> counter and a <see cref="BudgetThresholdCrossed"/> (source <c>ledger</c>) on <c>ar:budget-alerts</c>. The
/// <c>budget_alerts</c> table remembers what was raised, so restarts and several ledger instances do not repeat it.
/// </summary>
internal sealed partial class BudgetAlertMonitor(
    IServiceScopeFactory scopes, LedgerSchema schema, IConnectionMultiplexer redis, LedgerMetrics metrics,
    IOptionsMonitor<BudgetOptions> options, TimeProvider time, ILogger<BudgetAlertMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, ex);
            }

            await Task.Delay(options.CurrentValue.CheckInterval, time, stoppingToken);
        }
    }

    internal async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var statuses = await scope.ServiceProvider.GetRequiredService<BudgetStatusService>().GetAsync(cancellationToken);
        var raised = 0;
        foreach (var team in statuses)
        {
            foreach (var period in new[] { team.Daily, team.Monthly })
            {
                foreach (var threshold in period.CrossedThresholds)
                {
                    var now = time.GetUtcNow();
                    var inserted = await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO budget_alerts (team, period, period_start, threshold_percent, spent_usd, limit_usd, raised_at)
                        VALUES ({team.Team}, {period.Period}, {period.PeriodStart}, {threshold}, {period.SpentUsd}, {period.LimitUsd!.Value}, {now})
                        ON CONFLICT DO NOTHING
                        """, cancellationToken);
                    if (inserted == 0)
                    {
                        continue;
                    }

                    raised++;
                    LogThresholdCrossed(logger, team.Team, period.Period, threshold, period.SpentUsd, period.LimitUsd.Value);
                    metrics.BudgetAlert(team.Team, period.Period, threshold);
                    await BudgetAlertStream.PublishAsync(redis.GetDatabase(), new BudgetThresholdCrossed(
                        BudgetThresholdCrossed.IdFor(team.Team, period.Period, period.PeriodStart, threshold), now, team.Team, null,
                        period.Period, period.PeriodStart, threshold, period.SpentUsd, period.LimitUsd.Value, BudgetAlertSources.Ledger));
                }
            }
        }

        return raised;
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Team {Team} reached {Threshold}% of its {Period} budget: {SpentUsd} of {LimitUsd} USD.")]
    private static partial void LogThresholdCrossed(ILogger logger, string team, string period, int threshold, decimal spentUsd, decimal limitUsd);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Checking budgets failed; trying again at the next interval.")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
