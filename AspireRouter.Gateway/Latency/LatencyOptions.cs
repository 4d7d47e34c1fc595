using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Latency;

/// <summary>The configuration section <c>Latency</c>: the sliding window behind live p50/p95/p99 per model and region.</summary>
public sealed class LatencyOptions
{
    public const string SectionName = "Latency";

    /// <summary>How far back samples count. Default: 5 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Slices the window is cut into; the oldest slice drops off as time moves. Default: 10.</summary>
    [Range(2, 120)]
    public int Slices { get; set; } = 10;

    /// <summary>How often routing's snapshot of the percentiles is rebuilt. Default: 1 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Samples needed before a model's percentiles steer routing; fewer means "unknown". Default: 10.</summary>
    [Range(1, 100_000)]
    public int MinSamples { get; set; } = 10;
}

[OptionsValidator]
public sealed partial class LatencyOptionsValidator : IValidateOptions<LatencyOptions>;

/// <summary>Window and refresh rules; messages quote the values.</summary>
public sealed class LatencyWindowValidator : IValidateOptions<LatencyOptions>
{
    public ValidateOptionsResult Validate(string? name, LatencyOptions options) =>
        options.Window < TimeSpan.FromSeconds(10) || options.Window > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"Latency:Window must be between 10 s and 1 h (got {options.Window}).")
            : options.RefreshInterval <= TimeSpan.Zero || options.RefreshInterval > options.Window / options.Slices
                ? ValidateOptionsResult.Fail($"Latency:RefreshInterval must be positive and at most Window/Slices ({options.Window / options.Slices}); got {options.RefreshInterval}.")
                : ValidateOptionsResult.Success;
}
