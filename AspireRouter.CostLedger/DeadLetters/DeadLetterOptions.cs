using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.DeadLetters;

/// <summary>How many dead letters <c>ar:costs:dead</c> keeps, and for how long (section <c>DeadLetters</c>).</summary>
public sealed class DeadLetterOptions
{
    public const string SectionName = "DeadLetters";

    /// <summary>Most entries kept: each dead-lettering trims the oldest beyond it (exact <c>MAXLEN</c>). Default 10,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxLength { get; set; } = 10_000;

    /// <summary>Entries older than this are trimmed (<c>MINID</c>, checked with the stream's own trim). Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Longest event kept whole, in characters (a gateway's events are under 4 KiB); a longer one is kept cut, flagged
    /// <c>truncated</c>, and cannot be replayed. Default 16,384.
    /// </summary>
    [Range(256, 1_048_576)]
    public int MaxEventLength { get; set; } = 16_384;
}

[OptionsValidator]
internal sealed partial class DeadLetterOptionsValidator : IValidateOptions<DeadLetterOptions>;
