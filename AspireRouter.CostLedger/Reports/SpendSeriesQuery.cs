using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AspireRouter.CostLedger.Reports;

/// <summary>One group's cost per time bucket (every bucket of the range, zero where it spent nothing).</summary>
public sealed record SpendSeriesLine(string Key, decimal TotalUsd, IReadOnlyList<decimal> CostUsd);

/// <summary>Spend over [from, to) per hour or day, one line per team, model, category, region, feature or key.</summary>
internal sealed class SpendSeriesQuery(LedgerDbContext db)
{
    /// <summary>Most buckets one series may have (e.g. 41 days by the hour).</summary>
    public const int MaxBuckets = 1000;

    /// <summary>Series groupings and their columns: a fixed map, so no caller text reaches the SQL.</summary>
    public static readonly IReadOnlyDictionary<string, string> Columns = new Dictionary<string, string>
    {
        ["team"] = "team",
        ["model"] = "model",
        ["category"] = "category",
        ["region"] = "region",
        ["feature"] = "feature",
        ["key"] = "api_key_id",
    };

    /// <summary>Bucket lengths by name.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> Intervals = new Dictionary<string, TimeSpan>
    {
        ["hour"] = TimeSpan.FromHours(1),
        ["day"] = TimeSpan.FromDays(1),
    };

    /// <summary>The start of every bucket that overlaps [from, to), buckets aligned on UTC hours or days.</summary>
    public static IReadOnlyList<DateTimeOffset> Buckets(DateTimeOffset from, DateTimeOffset to, string interval)
    {
        var step = Intervals[interval];
        var first = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % step.Ticks), TimeSpan.Zero);
        var buckets = new List<DateTimeOffset>();
        for (var at = first; at < to; at += step)
        {
            buckets.Add(at);
        }

        return buckets;
    }

    public async Task<IReadOnlyList<SpendSeriesLine>> GetAsync(
        DateTimeOffset from, DateTimeOffset to, string interval, string groupBy, string? team, IReadOnlyList<DateTimeOffset> buckets, CancellationToken ct)
    {
        var column = Columns[groupBy];
        var field = interval == "hour" ? "hour" : "day";
        var sql = $"""
            SELECT date_trunc('{field}', occurred_at, 'UTC') AS "Bucket", COALESCE({column}, '{SpendQuery.NoValue}') AS "Key", SUM(cost_usd) AS "CostUsd"
            FROM cost_entries
            WHERE occurred_at >= @from AND occurred_at < @to AND (@team::text IS NULL OR team = @team::text)
            GROUP BY 1, 2
            """;
        var points = await db.Database.SqlQueryRaw<SeriesPoint>(sql,
                new NpgsqlParameter("from", from.UtcDateTime),
                new NpgsqlParameter("to", to.UtcDateTime),
                new NpgsqlParameter("team", (object?)team ?? DBNull.Value))
            .ToListAsync(ct);

        var index = buckets.Select((b, i) => (b, i)).ToDictionary(x => x.b.UtcTicks, x => x.i);
        return [.. points.GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var costs = new decimal[buckets.Count];
                foreach (var point in g)
                {
                    costs[index[new DateTimeOffset(point.Bucket.ToUniversalTime()).UtcTicks]] += point.CostUsd;
                }

                return new SpendSeriesLine(g.Key, costs.Sum(), costs);
            })
            .OrderByDescending(l => l.TotalUsd).ThenBy(l => l.Key, StringComparer.Ordinal)];
    }

    /// <summary>A row of the bucketed query.</summary>
    internal sealed class SeriesPoint
    {
        public DateTime Bucket { get; init; }
        public required string Key { get; init; }
        public decimal CostUsd { get; init; }
    }
}
