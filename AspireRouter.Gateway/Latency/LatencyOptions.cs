using System.ComponentModel.DataAnnotations;
using AspireRouter.Contracts.Latency;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Latency;

/// <summary>
/// The gateway's part of the configuration section <c>Latency</c>: how routing reads the live p50/p95/p99 per model and
/// region. The window itself (<c>Window</c>, <c>Slices</c>) is the shared library's <see cref="LatencyWindowOptions"/>.
/// </summary>
public sealed class LatencyOptions
{
    public const string SectionName = LatencyWindowOptions.SectionName;

    /// <summary>How often routing's snapshot of the percentiles is rebuilt. Default: 1 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Samples needed before a model's percentiles steer routing; fewer means "unknown". Default: 10.</summary>
    [Range(1, 100_000)]
    public int MinSamples { get; set; } = 10;
}

[OptionsValidator]
public sealed partial class LatencyOptionsValidator : IValidateOptions<LatencyOptions>;

/// <summary>The refresh against the shared window's slices; messages quote the values.</summary>
public sealed class LatencyRefreshValidator(IOptions<LatencyWindowOptions> window) : IValidateOptions<LatencyOptions>
{
    public ValidateOptionsResult Validate(string? name, LatencyOptions options)
    {
        var slice = window.Value.Window / Math.Max(1, window.Value.Slices);
        return options.RefreshInterval <= TimeSpan.Zero || options.RefreshInterval > slice
            ? ValidateOptionsResult.Fail($"Latency:RefreshInterval must be positive and at most Window/Slices ({slice}); got {options.RefreshInterval}.")
            : ValidateOptionsResult.Success;
    }
}
