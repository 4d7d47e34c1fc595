using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// The configuration section <c>CircuitBreaker</c>: when a (model, region) breaker opens, how long it stays open, how it
/// recovers, and how long a rate-limited endpoint cools down. Defaults follow the seed (<c>failureThreshold 5</c>,
/// <c>resetTimeout 30 s</c>, <c>monitoringWindow 60 s</c>). Every gateway instance sharing a Redis must use the same values.
/// </summary>
/// <remarks>
/// The seed's "five failures" is read as evidence, not as a run: under concurrency, across several gateways, failures
/// of a healthy model interleave with everyone's successes, and a model that fails 30 % of the time makes five in a
/// row every few seconds at a hundred requests a second. So a breaker opens when its window holds at least
/// <see cref="FailureThreshold"/> failures <em>and</em> the failure ratio is at least <see cref="FailureRatio"/> with
/// 95 % confidence (the Wilson score interval's lower bound): 5 failures and no success is the least evidence that opens
/// it (a dead model is out after five attempts), 7 of 8 opens it, a 30 % failure rate practically never does, a 60 %
/// rate does after about a hundred attempts. The attempts the judging gateway still has running on the endpoint count as
/// not failed: failures come back faster than answers, and would otherwise be all the window holds after a quiet period.
/// </remarks>
public sealed class CircuitBreakerOptions
{
    public const string SectionName = "CircuitBreaker";

    /// <summary>Failures the window must hold before it can open (the seed's <c>failureThreshold</c>). Default: 5.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>
    /// Failure ratio the window must show with 95 % confidence (Wilson lower bound) to open a closed breaker.
    /// Default: 0.5.
    /// </summary>
    [Range(0.01, 0.99)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The z-score of the confidence asked of <see cref="FailureRatio"/> (1.96: 95 %, two-sided).</summary>
    public const double Confidence = 1.96;

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

    /// <summary>
    /// How long an endpoint that answered 429 without a <c>Retry-After</c> cools down, before jitter (each cool-down is
    /// uniform between half and one and a half of this). A cooling endpoint is tried after every other candidate of a
    /// request, shared by every gateway; a 429 never counts as a failure. Default: 1 s.
    /// </summary>
    public TimeSpan RateLimitCoolDown { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest cool-down, whatever a provider's <c>Retry-After</c> says. Default: 60 s.</summary>
    public TimeSpan MaxRateLimitCoolDown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After a breaker closes, how long its endpoint takes to get its whole share of first attempts back: the share grows
    /// linearly from 10 % to 100 % over this time; the other requests try it after their other candidates. Zero turns
    /// the ramp off. Default: 30 s.
    /// </summary>
    public TimeSpan RecoveryRamp { get; set; } = TimeSpan.FromSeconds(30);

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

        if (options.RateLimitCoolDown <= TimeSpan.Zero || options.MaxRateLimitCoolDown < options.RateLimitCoolDown || options.MaxRateLimitCoolDown > TimeSpan.FromHours(1))
        {
            errors.Add($"CircuitBreaker:RateLimitCoolDown ({options.RateLimitCoolDown}) must be positive and not above MaxRateLimitCoolDown ({options.MaxRateLimitCoolDown}), which is at most 01:00:00.");
        }

        if (options.RecoveryRamp < TimeSpan.Zero || options.RecoveryRamp > TimeSpan.FromHours(1))
        {
            errors.Add($"CircuitBreaker:RecoveryRamp must be in [00:00:00, 01:00:00] (got {options.RecoveryRamp}).");
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add($"CircuitBreaker:RedisTimeout must be in (0, 10 s] (got {options.RedisTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
