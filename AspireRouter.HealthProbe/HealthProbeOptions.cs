using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.HealthProbe;

/// <summary>The configuration section <c>HealthProbe</c>: schedule, per-model cap, probe size and leader lease.</summary>
public sealed class HealthProbeOptions
{
    public const string SectionName = "HealthProbe";

    /// <summary>Time between two probes of a healthy model in one region. Default: 15 s (20 samples per 5-minute window).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time between probes of a model whose breaker is open, whose last probe failed or whose latency moved. Default: 3 s.</summary>
    public TimeSpan FastInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The per-model cap: never two probes of one model in one region closer than this. Default: 2 s.</summary>
    public TimeSpan MinIntervalPerModel { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Relative change of a probe's total time against the model's recent average that counts as "latency moved". Default: 0.5 (±50%).</summary>
    [Range(0.05, 10)]
    public double LatencyChangeThreshold { get; set; } = 0.5;

    /// <summary>Longest a probe may take; a slower one counts as an error. Default: 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Output tokens asked of each probe (<c>max_tokens</c>): enough to measure tokens per second, cheap. Default: 16.</summary>
    [Range(2, 256)]
    public int MaxTokens { get; set; } = 16;

    /// <summary>Probes in flight at once. Default: 4.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Life of the leader lease; a dead leader's lease expires after this and a standby takes over. Default: 10 s.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The health check reports degraded when no round of every model and region completed within this. Default: 2 min.</summary>
    public TimeSpan RoundStaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the scheduler looks for due probes. Default: 250 ms.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

[OptionsValidator]
public sealed partial class HealthProbeOptionsValidator : IValidateOptions<HealthProbeOptions>;

/// <summary>Cross-field rules; messages quote the values.</summary>
public sealed class HealthProbeRulesValidator : IValidateOptions<HealthProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthProbeOptions o)
    {
        List<string> errors = [];
        if (o.MinIntervalPerModel < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"HealthProbe:MinIntervalPerModel must be at least 100 ms (got {o.MinIntervalPerModel}).");
        }

        if (o.FastInterval < o.MinIntervalPerModel || o.FastInterval > o.Interval)
        {
            errors.Add($"HealthProbe:FastInterval must be between MinIntervalPerModel ({o.MinIntervalPerModel}) and Interval ({o.Interval}); got {o.FastInterval}.");
        }

        if (o.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"HealthProbe:Timeout must be positive (got {o.Timeout}).");
        }

        if (o.LeaseTime < TimeSpan.FromSeconds(1))
        {
            errors.Add($"HealthProbe:LeaseTime must be at least 1 s (got {o.LeaseTime}).");
        }

        if (o.RoundStaleAfter <= o.Interval + o.Timeout)
        {
            errors.Add($"HealthProbe:RoundStaleAfter ({o.RoundStaleAfter}) must exceed Interval + Timeout ({o.Interval + o.Timeout}).");
        }

        if (o.TickInterval <= TimeSpan.Zero || o.TickInterval > o.MinIntervalPerModel)
        {
            errors.Add($"HealthProbe:TickInterval must be positive and at most MinIntervalPerModel ({o.MinIntervalPerModel}); got {o.TickInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
