using System.Globalization;
using AspireRouter.CostLedger.Access;

namespace AspireRouter.CostLedger.Reports;

/// <summary>A report's validated time range and grouping.</summary>
internal readonly record struct ReportRange(DateTimeOffset From, DateTimeOffset To, string GroupBy)
{
    /// <summary>
    /// <c>from</c>/<c>to</c> are ISO 8601 instants or dates (UTC midnight); <c>to</c> defaults to now, <c>from</c> to
    /// <see cref="SpendApi.DefaultRange"/> before it; <c>groupBy</c> defaults to team.
    /// </summary>
    public static bool TryParse(string? from, string? to, string? groupBy, TimeProvider time, out ReportRange range, out ErrorResponse? error)
    {
        range = default;
        error = null;
        var end = time.GetUtcNow();
        if (to is not null && !TryParseInstant(to, out end))
        {
            error = ErrorResponse.Invalid($"'to' must be an ISO 8601 date or date-time (was '{Shorten(to)}').", "to");
            return false;
        }

        var start = end - SpendApi.DefaultRange;
        if (from is not null && !TryParseInstant(from, out start))
        {
            error = ErrorResponse.Invalid($"'from' must be an ISO 8601 date or date-time (was '{Shorten(from)}').", "from");
            return false;
        }

        if (start >= end)
        {
            error = ErrorResponse.Invalid($"'from' ({start:O}) must be before 'to' ({end:O}).", "from");
            return false;
        }

        if (end - start > SpendApi.MaxRange)
        {
            error = ErrorResponse.Invalid($"The range may cover at most {SpendApi.MaxRange.TotalDays} days (was {(end - start).TotalDays:F0}).", "from");
            return false;
        }

        var grouping = string.IsNullOrEmpty(groupBy) ? "team" : groupBy.ToLowerInvariant();
        if (!SpendQuery.Groupings.Contains(grouping))
        {
            error = ErrorResponse.Invalid($"'groupBy' must be one of {string.Join(", ", SpendQuery.Groupings)} (was '{Shorten(groupBy!)}').", "groupBy");
            return false;
        }

        range = new ReportRange(start.ToUniversalTime(), end.ToUniversalTime(), grouping);
        return true;
    }

    private static bool TryParseInstant(string value, out DateTimeOffset instant)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            instant = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
