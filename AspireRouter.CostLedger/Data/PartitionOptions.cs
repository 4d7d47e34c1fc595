using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Data;

/// <summary>The monthly partitions of <c>cost_entries</c> (section <c>Partitions</c>): how far ahead, how long kept.</summary>
public sealed class PartitionOptions
{
    public const string SectionName = "Partitions";

    /// <summary>Months created ahead of the current one, so a month's first row never waits for a partition. Default 3.</summary>
    [Range(1, 24)]
    public int MonthsAhead { get; set; } = 3;

    /// <summary>
    /// Whole months of rows kept before the current one; older partitions are dropped (their spend stays in the daily
    /// rollups, which the reports read). 0 keeps every month. Default 0.
    /// </summary>
    [Range(0, 1200)]
    public int RetentionMonths { get; set; }

    /// <summary>How often partitions are created and dropped. Default 1 h (and at every start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);
}

[OptionsValidator]
internal sealed partial class PartitionOptionsValidator : IValidateOptions<PartitionOptions>;
