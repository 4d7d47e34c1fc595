using System.Globalization;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using AspireRouter.CostLedger.Pricing;

namespace AspireRouter.CostLedger.Reports;

/// <summary>Totals of one group.</summary>
public sealed record SpendRow(string Key, long Requests, long InputTokens, long CachedInputTokens, long OutputTokens, long ReasoningTokens, decimal CostUsd);

/// <summary>A category's actual cost against its baseline.</summary>
public sealed record CategorySaving(string Category, string? BaselineModel, long Requests, decimal ActualCostUsd, decimal BaselineCostUsd, decimal SavingUsd, decimal? SavingPercent);

/// <summary>Spend grouped by one attribute over [from, to), from the ledger rows.</summary>
internal sealed class SpendQuery(LedgerDbContext db, BaselinePricer pricer)
{
    public const string NoValue = "(none)";
    public static readonly string[] Groupings = ["team", "user", "feature", "category", "model", "region", "key", "day"];

    /// <summary>Totals over [from, to) per <paramref name="groupBy"/>; only <paramref name="team"/>'s rows when given.</summary>
    public async Task<IReadOnlyList<SpendRow>> GroupAsync(DateTimeOffset from, DateTimeOffset to, string groupBy, string? team, CancellationToken ct)
    {
        var rows = InRange(from, to, team);
        if (groupBy == "day")
        {
            var days = await rows.GroupBy(e => e.Day)
                .Select(g => new { g.Key, Requests = g.LongCount(), Input = g.Sum(e => e.InputTokens), Cached = g.Sum(e => e.CachedInputTokens),
                    Output = g.Sum(e => e.OutputTokens), Reasoning = g.Sum(e => e.ReasoningTokens), Cost = g.Sum(e => e.CostUsd) })
                .ToListAsync(ct);
            return [.. days.OrderBy(d => d.Key).Select(d => new SpendRow(d.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                d.Requests, d.Input, d.Cached, d.Output, d.Reasoning, d.Cost))];
        }

        var grouped = groupBy switch
        {
            "team" => rows.GroupBy(e => e.Team),
            "user" => rows.GroupBy(e => e.User),
            "feature" => rows.GroupBy(e => e.Feature),
            "category" => rows.GroupBy(e => e.Category),
            "model" => rows.GroupBy(e => e.Model),
            "region" => rows.GroupBy(e => e.Region),
            "key" => rows.GroupBy(e => e.ApiKeyId),
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "Unknown grouping."),
        };
        var result = await grouped
            .Select(g => new { g.Key, Requests = g.LongCount(), Input = g.Sum(e => e.InputTokens), Cached = g.Sum(e => e.CachedInputTokens),
                Output = g.Sum(e => e.OutputTokens), Reasoning = g.Sum(e => e.ReasoningTokens), Cost = g.Sum(e => e.CostUsd) })
            .ToListAsync(ct);
        return [.. result.OrderByDescending(r => r.Cost).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new SpendRow(r.Key ?? NoValue, r.Requests, r.Input, r.Cached, r.Output, r.Reasoning, r.Cost))];
    }

    /// <summary>Actual against baseline cost per category over [from, to); only <paramref name="team"/>'s rows when given.</summary>
    public async Task<IReadOnlyList<CategorySaving>> SavingsAsync(DateTimeOffset from, DateTimeOffset to, string? team, CancellationToken ct)
    {
        var categories = await InRange(from, to, team)
            .GroupBy(e => e.Category)
            .Select(g => new { Category = g.Key, Requests = g.LongCount(), Input = g.Sum(e => e.InputTokens), Cached = g.Sum(e => e.CachedInputTokens),
                Output = g.Sum(e => e.OutputTokens), Cost = g.Sum(e => e.CostUsd), Baseline = g.Sum(e => e.BaselineCostUsd) })
            .ToListAsync(ct);
        return [.. categories.OrderBy(c => c.Category, StringComparer.Ordinal).Select(c => new CategorySaving(
            c.Category,
            pricer.BaselineModel(c.Category, c.Input, c.Cached, c.Output)?.Id,
            c.Requests,
            c.Cost,
            c.Baseline,
            c.Baseline - c.Cost,
            Percent(c.Baseline - c.Cost, c.Baseline)))];
    }

    private IQueryable<CostEntry> InRange(DateTimeOffset from, DateTimeOffset to, string? team)
    {
        var rows = db.CostEntries.AsNoTracking().Where(e => e.OccurredAt >= from && e.OccurredAt < to);
        return team is null ? rows : rows.Where(e => e.Team == team);
    }

    public static decimal? Percent(decimal part, decimal whole) => whole > 0 ? Math.Round(part / whole * 100m, 2) : null;
}
