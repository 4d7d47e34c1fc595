using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// The configuration section <c>CircuitBreaker</c>: when a (model, region) breaker opens, how long it stays open and
/// how it recovers. Defaults follow the seed (<c>failureThreshold 5</c>, <c>resetTimeout 30 s</c>,
/// <c>monitoringWindow 60 s</c>). Every gateway instance sharing a Redis must use the same values.
/// </summary>
public sealed class CircuitBreakerOptions
{
    public const string SectionName = "CircuitBreaker";

    /// <summary>Consecutive failures that open a closed breaker. Default: 5.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>
    /// Share of failures in <see cref="SamplingWindow"/> that opens a closed breaker (failures ≥ ratio × attempts),
    /// once the window holds <see cref="MinimumThroughput"/> attempts. Catches intermittent failures that never make
    /// <see cref="FailureThreshold"/> in a row. Default: 0.5.
    /// </summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts the window must hold before <see cref="FailureRatio"/> applies. Default: 20.</summary>
    [Range(1, 1_000_000)]
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>
    /// The sliding window of <see cref="FailureRatio"/>, kept as <see cref="WindowBuckets"/> buckets: it covers the
    /// current bucket and the previous ones, between 5/6 of this and all of it. Default: 60 s.
    /// </summary>
    public TimeSpan SamplingWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a breaker stays open before it admits trial requests. Default: 30 s.</summary>
    public TimeSpan OpenDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap of the open period, which doubles each time a trial fails. Default: 5 min.</summary>
    public TimeSpan MaxOpenDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Trial requests a half-open breaker admits at once, across all gateway instances. Default: 2.</summary>
    [Range(1, 100)]
    public int MaxConcurrentTrials { get; set; } = 2;

    /// <summary>Successful trials that close a half-open breaker; one failed trial opens it again. Default: 3.</summary>
    [Range(1, 100)]
    public int SuccessesToClose { get; set; } = 3;

    /// <summary>
    /// How long a trial permit is held at most. A permit whose outcome never comes back (a gateway crashed mid-trial)
    /// frees its slot after this. Default: 60 s.
    /// </summary>
    public TimeSpan TrialPermitLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Period of the background sync: aggregated successes are flushed to Redis and every breaker's state is read
    /// back, so transitions made by other instances show here within about this long. Default: 1 s.
    /// </summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait for one Redis call made on behalf of a request; past it the instance runs on local breakers
    /// until the next sync reaches Redis. Default: 250 ms.
    /// </summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Buckets of the sliding window (a fixed count keeps the Redis hash small).</summary>
    public const int WindowBuckets = 6;
}

[OptionsValidator]
public sealed partial class CircuitBreakerOptionsValidator : IValidateOptions<CircuitBreakerOptions>;

/// <summary>Rules DataAnnotations cannot express; messages quote the bad values.</summary>
public sealed class CircuitBreakerOptionsRulesValidator : IValidateOptions<CircuitBreakerOptions>
{
    public ValidateOptionsResult Validate(string? name, CircuitBreakerOptions options)
    {
        var errors = new List<string>();
        var minimumWindow = TimeSpan.FromMilliseconds(100 * CircuitBreakerOptions.WindowBuckets);
        if (options.SamplingWindow < minimumWindow || options.SamplingWindow > TimeSpan.FromHours(1))
        {
            errors.Add($"CircuitBreaker:SamplingWindow must be in [{minimumWindow}, 01:00:00] (got {options.SamplingWindow}).");
        }

        if (options.OpenDuration <= TimeSpan.Zero || options.MaxOpenDuration < options.OpenDuration)
        {
            errors.Add($"CircuitBreaker:OpenDuration ({options.OpenDuration}) must be positive and not above MaxOpenDuration ({options.MaxOpenDuration}).");
        }

        if (options.MaxOpenDuration > TimeSpan.FromDays(1))
        {
            errors.Add($"CircuitBreaker:MaxOpenDuration must be at most one day (got {options.MaxOpenDuration}).");
        }

        if (options.MaxConcurrentTrials > options.SuccessesToClose)
        {
            errors.Add($"CircuitBreaker:MaxConcurrentTrials ({options.MaxConcurrentTrials}) must not exceed SuccessesToClose ({options.SuccessesToClose}): extra trials could not change the outcome.");
        }

        if (options.TrialPermitLease <= TimeSpan.Zero)
        {
            errors.Add($"CircuitBreaker:TrialPermitLease must be positive (got {options.TrialPermitLease}).");
        }

        if (options.SyncInterval <= TimeSpan.Zero || options.SyncInterval >= options.OpenDuration)
        {
            errors.Add($"CircuitBreaker:SyncInterval ({options.SyncInterval}) must be positive and shorter than OpenDuration ({options.OpenDuration}).");
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add($"CircuitBreaker:RedisTimeout must be in (0, 10 s] (got {options.RedisTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
