using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using AspireRouter.CostLedger.Access;

namespace AspireRouter.CostLedger.Reports;

/// <summary>Spend totals, CSV export and savings against the priciest-model baseline.</summary>
public static class SpendApi
{
    /// <summary>Longest range one report may cover.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    /// <summary>Range when <c>from</c> is omitted.</summary>
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);

    public static IEndpointRouteBuilder MapSpendApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("Spend").AddEndpointFilter<SchemaReadyFilter>().AddEndpointFilter<ReportScopeFilter>();
        api.MapGet("/spend", GetSpendAsync).WithName("GetSpend").WithSummary("Spend totals over [from, to) grouped by team, user, feature, category, model, region, key (API key id) or day.");
        api.MapGet("/spend.csv", GetSpendCsvAsync).WithName("GetSpendCsv").WithSummary("The same report as CSV.");
        api.MapGet("/spend/series", GetSeriesAsync).WithName("GetSpendSeries").WithSummary("Spend over [from, to) per hour or day, one line per team, model, category, region, feature or key.");
        api.MapGet("/spend/savings", GetSavingsAsync).WithName("GetSavings").WithSummary("Saving against sending each category's traffic to its most expensive chain model.");
        return app;
    }

    internal static async Task<Results<Ok<SpendReport>, BadRequest<ErrorResponse>>> GetSpendAsync(
        string? from, string? to, string? groupBy, SpendQuery query, TimeProvider time, HttpContext context, CancellationToken ct)
    {
        if (ReportRange.TryParse(from, to, groupBy, time, out var range, out var error) is false)
        {
            return TypedResults.BadRequest(error);
        }

        var rows = await query.GroupAsync(range.From, range.To, range.GroupBy, ReportScope.From(context).Team, ct);
        return TypedResults.Ok(new SpendReport(range.From, range.To, range.GroupBy, Total(rows), rows));
    }

    internal static async Task<Results<FileContentHttpResult, BadRequest<ErrorResponse>>> GetSpendCsvAsync(
        string? from, string? to, string? groupBy, SpendQuery query, TimeProvider time, HttpContext context, CancellationToken ct)
    {
        if (ReportRange.TryParse(from, to, groupBy, time, out var range, out var error) is false)
        {
            return TypedResults.BadRequest(error);
        }

        var rows = await query.GroupAsync(range.From, range.To, range.GroupBy, ReportScope.From(context).Team, ct);
        var csv = new StringBuilder();
        csv.Append(range.GroupBy).Append(",requests,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost_usd\n");
        foreach (var row in rows)
        {
            csv.Append(Csv.Escape(row.Key)).Append(',')
                .Append(CultureInfo.InvariantCulture, $"{row.Requests},{row.InputTokens},{row.CachedInputTokens},{row.OutputTokens},{row.ReasoningTokens},{row.CostUsd}\n");
        }

        var name = $"spend-{range.GroupBy}-{range.From:yyyyMMdd}-{range.To:yyyyMMdd}.csv";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", name);
    }

    internal static async Task<Results<Ok<SpendSeries>, BadRequest<ErrorResponse>>> GetSeriesAsync(
        string? from, string? to, string? groupBy, string? interval, SpendSeriesQuery query, TimeProvider time, HttpContext context, CancellationToken ct)
    {
        if (ReportRange.TryParse(from, to, null, time, out var range, out var error) is false)
        {
            return TypedResults.BadRequest(error);
        }

        var grouping = string.IsNullOrEmpty(groupBy) ? "team" : groupBy.ToLowerInvariant();
        if (!SpendSeriesQuery.Columns.ContainsKey(grouping))
        {
            return TypedResults.BadRequest(ErrorResponse.Invalid(
                $"'groupBy' must be one of {string.Join(", ", SpendSeriesQuery.Columns.Keys)} (was '{ReportRange.Shorten(groupBy!)}').", "groupBy"));
        }

        var step = string.IsNullOrEmpty(interval) ? "day" : interval.ToLowerInvariant();
        if (!SpendSeriesQuery.Intervals.ContainsKey(step))
        {
            return TypedResults.BadRequest(ErrorResponse.Invalid($"'interval' must be hour or day (was '{ReportRange.Shorten(interval!)}').", "interval"));
        }

        var buckets = SpendSeriesQuery.Buckets(range.From, range.To, step);
        if (buckets.Count > SpendSeriesQuery.MaxBuckets)
        {
            return TypedResults.BadRequest(ErrorResponse.Invalid(
                $"The range holds {buckets.Count} {step}s; at most {SpendSeriesQuery.MaxBuckets} buckets (use interval=day or a shorter range).", "interval"));
        }

        var lines = await query.GetAsync(range.From, range.To, step, grouping, ReportScope.From(context).Team, buckets, ct);
        return TypedResults.Ok(new SpendSeries(range.From, range.To, step, grouping, buckets, lines));
    }

    internal static async Task<Results<Ok<SavingsReport>, BadRequest<ErrorResponse>>> GetSavingsAsync(
        string? from, string? to, SpendQuery query, TimeProvider time, HttpContext context, CancellationToken ct)
    {
        if (ReportRange.TryParse(from, to, null, time, out var range, out var error) is false)
        {
            return TypedResults.BadRequest(error);
        }

        var categories = await query.SavingsAsync(range.From, range.To, ReportScope.From(context).Team, ct);
        decimal actual = categories.Sum(c => c.ActualCostUsd), baseline = categories.Sum(c => c.BaselineCostUsd);
        return TypedResults.Ok(new SavingsReport(range.From, range.To, actual, baseline, baseline - actual,
            SpendQuery.Percent(baseline - actual, baseline), categories));
    }

    private static SpendRow Total(IReadOnlyList<SpendRow> rows) => new("total",
        rows.Sum(r => r.Requests), rows.Sum(r => r.InputTokens), rows.Sum(r => r.CachedInputTokens),
        rows.Sum(r => r.OutputTokens), rows.Sum(r => r.ReasoningTokens), rows.Sum(r => r.CostUsd));
}

public sealed record SpendReport(DateTimeOffset From, DateTimeOffset To, string GroupBy, SpendRow Total, IReadOnlyList<SpendRow> Groups);

/// <summary>Spend per bucket: <c>Buckets</c> are the buckets' starts, each line's <c>CostUsd</c> one value per bucket.</summary>
public sealed record SpendSeries(DateTimeOffset From, DateTimeOffset To, string Interval, string GroupBy, IReadOnlyList<DateTimeOffset> Buckets,
    IReadOnlyList<SpendSeriesLine> Series);

public sealed record SavingsReport(DateTimeOffset From, DateTimeOffset To, decimal ActualCostUsd, decimal BaselineCostUsd, decimal SavingUsd,
    decimal? SavingPercent, IReadOnlyList<CategorySaving> Categories);
