using System.Globalization;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using AspireRouter.CostLedger.Pricing;

namespace AspireRouter.CostLedger.Reports;

/// <summary>Totals of one group.</summary>
public sealed record SpendRow(string Key, long Requests, long InputTokens, long CachedInputTokens, long OutputTokens, long ReasoningTokens, decimal CostUsd);

/// <summary>A category's actual cost against its baseline.</summary>
public sealed record CategorySaving(string Category, string? BaselineModel, long Requests, decimal ActualCostUsd, decimal BaselineCostUsd, decimal SavingUsd, decimal? SavingPercent);

/// <summary>
/// Spend grouped by one attribute over [from, to). The whole UTC days of the range are read from the daily rollups
/// (<see cref="DailyRollup"/> for team, category, model, day and savings; <see cref="DimensionRollup"/> for user,
/// feature and region), so a report's cost follows the number of days and groups, not the number of ledger rows. Only
/// the parts of a day at either end of a range that does not start or end at midnight are read from the ledger rows
/// (at most a day each side, by the <c>occurred_at</c> index), and added to the same groups.
/// </summary>
internal sealed class SpendQuery(LedgerDbContext db, BaselinePricer pricer)
{
    public const string NoValue = DailyRollup.NoModel;
    public static readonly string[] Groupings = ["team", "user", "feature", "category", "model", "region", "day"];

    /// <summary>Totals over [from, to) per <paramref name="groupBy"/>; only <paramref name="team"/>'s rows when given.</summary>
    public async Task<IReadOnlyList<SpendRow>> GroupAsync(DateTimeOffset from, DateTimeOffset to, string groupBy, string? team, CancellationToken ct)
    {
        var split = RangeSplit.Of(from, to);
        var parts = new List<Sums>();
        if (split.HasDays)
        {
            parts.AddRange(await RolledUpAsync(split.FirstDay, split.EndDay, groupBy, team, ct));
        }

        foreach (var (edgeFrom, edgeTo) in split.Edges)
        {
            parts.AddRange(await RawAsync(Raw(edgeFrom, edgeTo, team), groupBy, ct));
        }

        var merged = Sums.Merge(parts);
        var ordered = groupBy == "day"
            ? merged.OrderBy(r => r.Key, StringComparer.Ordinal)
            : merged.OrderByDescending(r => r.Cost).ThenBy(r => r.Key, StringComparer.Ordinal);
        return [.. ordered.Select(r => new SpendRow(r.Key, r.Requests, r.Input, r.Cached, r.Output, r.Reasoning, r.Cost))];
    }

    /// <summary>Actual against baseline cost per category over [from, to); only <paramref name="team"/>'s rows when given.</summary>
    public async Task<IReadOnlyList<CategorySaving>> SavingsAsync(DateTimeOffset from, DateTimeOffset to, string? team, CancellationToken ct)
    {
        var split = RangeSplit.Of(from, to);
        var parts = new List<Sums>();
        if (split.HasDays)
        {
            parts.AddRange(await Rollups(split.FirstDay, split.EndDay, team).GroupBy(r => r.Category)
                .Select(g => new Sums(g.Key, g.Sum(r => r.Requests), g.Sum(r => r.InputTokens), g.Sum(r => r.CachedInputTokens),
                    g.Sum(r => r.OutputTokens), g.Sum(r => r.ReasoningTokens), g.Sum(r => r.CostUsd), g.Sum(r => r.BaselineCostUsd)))
                .ToListAsync(ct));
        }

        foreach (var (edgeFrom, edgeTo) in split.Edges)
        {
            parts.AddRange(await Raw(edgeFrom, edgeTo, team).GroupBy(e => e.Category)
                .Select(g => new Sums(g.Key, g.LongCount(), g.Sum(e => e.InputTokens), g.Sum(e => e.CachedInputTokens),
                    g.Sum(e => e.OutputTokens), g.Sum(e => e.ReasoningTokens), g.Sum(e => e.CostUsd), g.Sum(e => e.BaselineCostUsd)))
                .ToListAsync(ct));
        }

        return [.. Sums.Merge(parts).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new CategorySaving(
            c.Key,
            pricer.BaselineModel(c.Key, c.Input, c.Cached, c.Output)?.Id,
            c.Requests,
            c.Cost,
            c.Baseline,
            c.Baseline - c.Cost,
            Percent(c.Baseline - c.Cost, c.Baseline)))];
    }

    public static decimal? Percent(decimal part, decimal whole) => whole > 0 ? Math.Round(part / whole * 100m, 2) : null;

    private async Task<List<Sums>> RolledUpAsync(DateOnly firstDay, DateOnly endDay, string groupBy, string? team, CancellationToken ct)
    {
        if (groupBy is "user" or "feature" or "region")
        {
            var dimension = groupBy switch { "user" => DimensionRollup.User, "feature" => DimensionRollup.Feature, _ => DimensionRollup.Region };
            var rows = db.DimensionRollups.AsNoTracking().Where(r => r.Dimension == dimension && r.Day >= firstDay && r.Day < endDay);
            return await (team is null ? rows : rows.Where(r => r.Team == team)).GroupBy(r => r.Value)
                .Select(g => new Sums(g.Key, g.Sum(r => r.Requests), g.Sum(r => r.InputTokens), g.Sum(r => r.CachedInputTokens),
                    g.Sum(r => r.OutputTokens), g.Sum(r => r.ReasoningTokens), g.Sum(r => r.CostUsd), 0m))
                .ToListAsync(ct);
        }

        var rollups = Rollups(firstDay, endDay, team);
        if (groupBy == "day")
        {
            var days = await rollups.GroupBy(r => r.Day)
                .Select(g => new { g.Key, Requests = g.Sum(r => r.Requests), Input = g.Sum(r => r.InputTokens), Cached = g.Sum(r => r.CachedInputTokens),
                    Output = g.Sum(r => r.OutputTokens), Reasoning = g.Sum(r => r.ReasoningTokens), Cost = g.Sum(r => r.CostUsd) })
                .ToListAsync(ct);
            return [.. days.Select(d => new Sums(DayKey(d.Key), d.Requests, d.Input, d.Cached, d.Output, d.Reasoning, d.Cost, 0m))];
        }

        var grouped = groupBy switch
        {
            "team" => rollups.GroupBy(r => r.Team),
            "category" => rollups.GroupBy(r => r.Category),
            "model" => rollups.GroupBy(r => r.Model),
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "Unknown grouping."),
        };
        return await grouped
            .Select(g => new Sums(g.Key, g.Sum(r => r.Requests), g.Sum(r => r.InputTokens), g.Sum(r => r.CachedInputTokens),
                g.Sum(r => r.OutputTokens), g.Sum(r => r.ReasoningTokens), g.Sum(r => r.CostUsd), 0m))
            .ToListAsync(ct);
    }

    private static async Task<List<Sums>> RawAsync(IQueryable<CostEntry> rows, string groupBy, CancellationToken ct)
    {
        if (groupBy == "day")
        {
            var days = await rows.GroupBy(e => e.Day)
                .Select(g => new { g.Key, Requests = g.LongCount(), Input = g.Sum(e => e.InputTokens), Cached = g.Sum(e => e.CachedInputTokens),
                    Output = g.Sum(e => e.OutputTokens), Reasoning = g.Sum(e => e.ReasoningTokens), Cost = g.Sum(e => e.CostUsd) })
                .ToListAsync(ct);
            return [.. days.Select(d => new Sums(DayKey(d.Key), d.Requests, d.Input, d.Cached, d.Output, d.Reasoning, d.Cost, 0m))];
        }

        var grouped = groupBy switch
        {
            "team" => rows.GroupBy(e => e.Team),
            "user" => rows.GroupBy(e => e.User),
            "feature" => rows.GroupBy(e => e.Feature),
            "category" => rows.GroupBy(e => e.Category),
            "model" => rows.GroupBy(e => e.Model),
            "region" => rows.GroupBy(e => e.Region),
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "Unknown grouping."),
        };
        var result = await grouped
            .Select(g => new { g.Key, Requests = g.LongCount(), Input = g.Sum(e => e.InputTokens), Cached = g.Sum(e => e.CachedInputTokens),
                Output = g.Sum(e => e.OutputTokens), Reasoning = g.Sum(e => e.ReasoningTokens), Cost = g.Sum(e => e.CostUsd) })
            .ToListAsync(ct);
        return [.. result.Select(r => new Sums(r.Key ?? NoValue, r.Requests, r.Input, r.Cached, r.Output, r.Reasoning, r.Cost, 0m))];
    }

    private IQueryable<DailyRollup> Rollups(DateOnly firstDay, DateOnly endDay, string? team)
    {
        var rows = db.DailyRollups.AsNoTracking().Where(r => r.Day >= firstDay && r.Day < endDay);
        return team is null ? rows : rows.Where(r => r.Team == team);
    }

    private IQueryable<CostEntry> Raw(DateTimeOffset from, DateTimeOffset to, string? team)
    {
        var rows = db.CostEntries.AsNoTracking().Where(e => e.OccurredAt >= from && e.OccurredAt < to);
        return team is null ? rows : rows.Where(e => e.Team == team);
    }

    private static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Totals of one group from one source (rollups or rows), merged by key across sources.</summary>
internal sealed record Sums(string Key, long Requests, long Input, long Cached, long Output, long Reasoning, decimal Cost, decimal Baseline)
{
    public static IEnumerable<Sums> Merge(IEnumerable<Sums> parts) => parts
        .GroupBy(p => p.Key, StringComparer.Ordinal)
        .Select(g => new Sums(g.Key, g.Sum(p => p.Requests), g.Sum(p => p.Input), g.Sum(p => p.Cached), g.Sum(p => p.Output),
            g.Sum(p => p.Reasoning), g.Sum(p => p.Cost), g.Sum(p => p.Baseline)));
}

/// <summary>
/// [from, to) as the whole UTC days inside it, [<see cref="FirstDay"/>, <see cref="EndDay"/>), answered from rollups, and
/// the partial days at its ends (<see cref="Edges"/>), answered from rows. A range within one or two partial days is all edges.
/// </summary>
internal readonly record struct RangeSplit(DateOnly FirstDay, DateOnly EndDay, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Edges)
{
    public bool HasDays => FirstDay < EndDay;

    public static RangeSplit Of(DateTimeOffset from, DateTimeOffset to)
    {
        var fromDay = DateOnly.FromDateTime(from.UtcDateTime);
        var firstDay = Midnight(fromDay) == from ? fromDay : fromDay.AddDays(1);
        var endDay = DateOnly.FromDateTime(to.UtcDateTime);
        if (firstDay >= endDay)
        {
            return new RangeSplit(firstDay, firstDay, [(from, to)]);
        }

        var edges = new List<(DateTimeOffset, DateTimeOffset)>();
        if (from < Midnight(firstDay))
        {
            edges.Add((from, Midnight(firstDay)));
        }

        if (Midnight(endDay) < to)
        {
            edges.Add((Midnight(endDay), to));
        }

        return new RangeSplit(firstDay, endDay, edges);
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
