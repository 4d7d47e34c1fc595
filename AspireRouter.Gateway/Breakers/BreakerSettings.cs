namespace AspireRouter.Gateway.Breakers;

/// <summary><see cref="CircuitBreakerOptions"/> in the units the state machine and its Lua script use (milliseconds).</summary>
internal sealed record BreakerSettings(
    int FailureThreshold,
    double FailureRatio,
    double Confidence,
    long BucketMs,
    int Buckets,
    long OpenMs,
    long MaxOpenMs,
    int MaxConcurrentTrials,
    int SuccessesToClose,
    long LeaseMs,
    long TtlMs)
{
    public static BreakerSettings From(CircuitBreakerOptions options) => new(
        options.FailureThreshold,
        options.FailureRatio,
        CircuitBreakerOptions.Confidence,
        (long)options.SamplingWindow.TotalMilliseconds / CircuitBreakerOptions.WindowBuckets,
        CircuitBreakerOptions.WindowBuckets,
        (long)options.OpenDuration.TotalMilliseconds,
        (long)options.MaxOpenDuration.TotalMilliseconds,
        options.MaxConcurrentTrials,
        options.SuccessesToClose,
        (long)options.TrialPermitLease.TotalMilliseconds,
        // An idle breaker hash disappears a day after its last write (a missing hash reads as closed).
        (long)(TimeSpan.FromDays(1) + options.MaxOpenDuration + options.SamplingWindow).TotalMilliseconds);
}

/// <summary>The operations of one breaker; names as the Lua script takes them.</summary>
internal enum BreakerOp
{
    Admit,
    Success,
    Failure,
    Release,
    Throttled,
    Tally,
}

/// <summary>The result of one operation: the verdict (admissions), the permit granted, and the state before and after.</summary>
internal readonly record struct BreakerStep(bool Allowed, long Permit, BreakerState Before, BreakerStatus Status)
{
    public bool Transitioned => Before != Status.State;
}
