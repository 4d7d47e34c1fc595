using AspireRouter.Contracts.Budgets;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Budgets;

/// <summary>Spend against a limit over one period.</summary>
/// <param name="Period"><c>daily</c> or <c>monthly</c>.</param>
/// <param name="PeriodStart">The period's first UTC day.</param>
/// <param name="LimitUsd">The limit; null when the team has none for this period.</param>
/// <param name="SpentUsd">Spend recorded in the period so far.</param>
/// <param name="Percent">Spend as a percentage of the limit; null without a limit.</param>
/// <param name="Thresholds">The alert thresholds (percent of the limit) that apply to the team.</param>
/// <param name="CrossedThresholds">Those the period's spend has reached.</param>
public sealed record BudgetPeriodStatus(string Period, DateOnly PeriodStart, decimal? LimitUsd, decimal SpentUsd, decimal? Percent,
    IReadOnlyList<int> CrossedThresholds, IReadOnlyList<int> Thresholds);

/// <summary>A team's daily and monthly status.</summary>
public sealed record TeamBudgetStatus(string Team, BudgetPeriodStatus Daily, BudgetPeriodStatus Monthly);

/// <summary>Spend per configured team for today and this month (UTC), read from the daily rollups.</summary>
internal sealed class BudgetStatusService(LedgerDbContext db, IOptionsMonitor<BudgetOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<TeamBudgetStatus>> GetAsync(CancellationToken cancellationToken)
    {
        var budgets = options.CurrentValue;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var teams = budgets.Teams.Keys.ToList();

        var spend = await db.DailyRollups.AsNoTracking()
            .Where(r => r.Day >= monthStart && r.Day <= today && teams.Contains(r.Team))
            .GroupBy(r => new { r.Team, r.Day })
            .Select(g => new { g.Key.Team, g.Key.Day, Cost = g.Sum(r => r.CostUsd) })
            .ToListAsync(cancellationToken);

        return [.. budgets.Teams.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
        {
            var rows = spend.Where(s => string.Equals(s.Team, t.Key, StringComparison.OrdinalIgnoreCase)).ToList();
            var thresholds = budgets.ThresholdsFor(t.Value);
            return new TeamBudgetStatus(
                t.Key,
                Status(BudgetPeriods.Daily, today, t.Value.DailyUsd, rows.Where(r => r.Day == today).Sum(r => r.Cost), thresholds),
                Status(BudgetPeriods.Monthly, monthStart, t.Value.MonthlyUsd, rows.Sum(r => r.Cost), thresholds));
        })];
    }

    private static BudgetPeriodStatus Status(string period, DateOnly start, decimal? limit, decimal spent, IReadOnlyList<int> thresholds)
    {
        decimal? percent = limit is > 0 ? Math.Round(spent / limit.Value * 100m, 2) : null;
        var crossed = percent is { } p ? thresholds.Where(t => p >= t).Order().ToList() : [];
        return new BudgetPeriodStatus(period, start, limit, spent, percent, crossed, [.. thresholds.Order()]);
    }
}
