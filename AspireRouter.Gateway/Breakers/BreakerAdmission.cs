namespace AspireRouter.Gateway.Breakers;

/// <summary>The answer of <see cref="ICircuitBreakers.AdmitAsync"/>.</summary>
/// <param name="Key">The breaker asked.</param>
/// <param name="Allowed">Whether the candidate may be attempted.</param>
/// <param name="State">The breaker's state as the decision saw it.</param>
/// <param name="OpenUntil">For an open breaker, when it admits trial requests.</param>
/// <param name="TrialPermit">Non-zero when the attempt is a half-open trial holding this permit.</param>
public readonly record struct BreakerAdmission(BreakerKey Key, bool Allowed, BreakerState State, DateTimeOffset? OpenUntil, long TrialPermit)
{
    /// <summary>While the endpoint cools down after a 429: when the cool-down ends.</summary>
    public DateTimeOffset? CoolUntil { get; init; }

    /// <summary>The cool-down is the gateway's guess (429s without Retry-After), not the provider's Retry-After.</summary>
    public bool CoolGuessed { get; init; }

    /// <summary>Admitted in panic mode: every candidate of the request was out, and this one was the best of them.</summary>
    public bool Panic { get; init; }

    public bool IsTrial => TrialPermit != 0;

    /// <summary>Why the candidate was skipped, in words fit for an error message; empty when it was allowed.</summary>
    public string Reason =>
        Allowed ? ""
        : CoolUntil is { } cooling ? $"rate limited, cooling down until {cooling:O}"
        : State == BreakerState.Open && OpenUntil is { } until ? $"breaker open until {until:O}"
        : "breaker half-open, its trial requests are in flight";
}
