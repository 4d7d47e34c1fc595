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
/// feature, region and key), so a report's cost follows the number of days and groups, not the number of ledger rows. Only
/// at an end of the range that is not midnight are ledger rows read (less than half a day each side, by the
/// <c>occurred_at</c> index; see <see cref="RangeSplit"/>).
/// </summary>
internal sealed class SpendQuery(LedgerDbContext db, BaselinePricer pricer, TimeProvider time)
{
    public const string NoValue = DailyRollup.NoModel;
    public static readonly string[] Groupings = ["team", "user", "feature", "category", "model", "region", "key", "day"];

    /// <summary>Totals over [from, to) per <paramref name="groupBy"/>; only <paramref name="team"/>'s rows when given.</summary>
    public async Task<IReadOnlyList<SpendRow>> GroupAsync(DateTimeOffset from, DateTimeOffset to, string groupBy, string? team, CancellationToken ct)
    {
        var split = RangeSplit.Of(from, to, time.GetUtcNow());
        var parts = new List<Sums>();
        if (split.HasDays)
        {
            parts.AddRange(await RolledUpAsync(split.FirstDay, split.EndDay, groupBy, team, ct));
        }

        foreach (var (edgeFrom, edgeTo) in split.Add)
        {
            parts.AddRange(await RawAsync(Raw(edgeFrom, edgeTo, team), groupBy, ct));
        }

        foreach (var (edgeFrom, edgeTo) in split.Subtract)
        {
            parts.AddRange((await RawAsync(Raw(edgeFrom, edgeTo, team), groupBy, ct)).Select(p => p.Negated()));
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
        var split = RangeSplit.Of(from, to, time.GetUtcNow());
        var parts = new List<Sums>();
        if (split.HasDays)
        {
            parts.AddRange(await Rollups(split.FirstDay, split.EndDay, team).GroupBy(r => r.Category)
                .Select(g => new Sums(g.Key, g.Sum(r => r.Requests), g.Sum(r => r.InputTokens), g.Sum(r => r.CachedInputTokens),
                    g.Sum(r => r.OutputTokens), g.Sum(r => r.ReasoningTokens), g.Sum(r => r.CostUsd), g.Sum(r => r.BaselineCostUsd)))
                .ToListAsync(ct));
        }

        foreach (var (edge, sign) in split.Add.Select(e => (e, 1)).Concat(split.Subtract.Select(e => (e, -1))))
        {
            var sums = await Raw(edge.From, edge.To, team).GroupBy(e => e.Category)
                .Select(g => new Sums(g.Key, g.LongCount(), g.Sum(e => e.InputTokens), g.Sum(e => e.CachedInputTokens),
                    g.Sum(e => e.OutputTokens), g.Sum(e => e.ReasoningTokens), g.Sum(e => e.CostUsd), g.Sum(e => e.BaselineCostUsd)))
                .ToListAsync(ct);
            parts.AddRange(sign > 0 ? sums : sums.Select(p => p.Negated()));
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
        if (groupBy is "user" or "feature" or "region" or "key")
        {
            var dimension = groupBy switch { "user" => DimensionRollup.User, "feature" => DimensionRollup.Feature, "key" => DimensionRollup.Key, _ => DimensionRollup.Region };
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
            "key" => rows.GroupBy(e => e.ApiKeyId),
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
    public Sums Negated() => new(Key, -Requests, -Input, -Cached, -Output, -Reasoning, -Cost, -Baseline);

    /// <summary>Totals per key; a key whose requests net to zero (its rows were all subtracted) has no rows in the range.</summary>
    public static IEnumerable<Sums> Merge(IEnumerable<Sums> parts) => parts
        .GroupBy(p => p.Key, StringComparer.Ordinal)
        .Select(g => new Sums(g.Key, g.Sum(p => p.Requests), g.Sum(p => p.Input), g.Sum(p => p.Cached), g.Sum(p => p.Output),
            g.Sum(p => p.Reasoning), g.Sum(p => p.Cost), g.Sum(p => p.Baseline)))
        .Where(s => s.Requests != 0);
}

/// <summary>
/// [from, to) as whole UTC days, [<see cref="FirstDay"/>, <see cref="EndDay"/>), answered from the rollups, corrected at
/// each end that is not midnight with ledger rows: either the part of the edge day inside the range is added
/// (<see cref="Add"/>), or the whole edge day is taken from the rollups and the part outside the range subtracted
/// (<see cref="Subtract"/>), whichever covers less time (for today, "outside" ends at <c>now</c>: a range ending now
/// subtracts nothing but the rows written since). A range inside one day is read from its rows.
/// </summary>
internal readonly record struct RangeSplit(DateOnly FirstDay, DateOnly EndDay,
    IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Add, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Subtract)
{
    public bool HasDays => FirstDay < EndDay;

    public static RangeSplit Of(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var fromDay = DateOnly.FromDateTime(from.UtcDateTime);
        var toDay = DateOnly.FromDateTime(to.UtcDateTime);
        if (fromDay == toDay && Midnight(fromDay) != from)
        {
            return new RangeSplit(fromDay, fromDay, [(from, to)], []);
        }

        List<(DateTimeOffset, DateTimeOffset)> add = [], subtract = [];
        var firstDay = fromDay;
        if (Midnight(fromDay) != from)
        {
            var next = Midnight(fromDay.AddDays(1));
            if (from - Midnight(fromDay) < next - from)
            {
                subtract.Add((Midnight(fromDay), from));
            }
            else
            {
                add.Add((from, next));
                firstDay = fromDay.AddDays(1);
            }
        }

        var endDay = toDay;
        if (Midnight(toDay) != to)
        {
            var next = Midnight(toDay.AddDays(1));
            var outside = (now > to ? (now < next ? now : next) : to) - to;
            if (outside < to - Midnight(toDay))
            {
                subtract.Add((to, next));
                endDay = toDay.AddDays(1);
            }
            else
            {
                add.Add((Midnight(toDay), to));
            }
        }

        return new RangeSplit(firstDay, endDay, add, subtract);
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
