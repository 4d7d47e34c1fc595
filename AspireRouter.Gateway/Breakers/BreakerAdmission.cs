namespace AspireRouter.Gateway.Breakers;

/// <summary>The answer of <see cref="ICircuitBreakers.AdmitAsync"/>.</summary>
/// <param name="Key">The breaker asked.</param>
/// <param name="Allowed">Whether the candidate may be attempted.</param>
/// <param name="State">The breaker's state as the decision saw it.</param>
/// <param name="OpenUntil">For an open breaker, when it admits trial requests.</param>
/// <param name="TrialPermit">Non-zero when the attempt is a half-open trial holding this permit.</param>
public readonly record struct BreakerAdmission(BreakerKey Key, bool Allowed, BreakerState State, DateTimeOffset? OpenUntil, long TrialPermit)
{
    public bool IsTrial => TrialPermit != 0;

    /// <summary>Why the candidate was skipped, in words fit for an error message; empty when it was allowed.</summary>
    public string Reason =>
        Allowed ? ""
        : State == BreakerState.Open && OpenUntil is { } until ? $"breaker open until {until:O}"
        : "breaker half-open, its trial requests are in flight";
}
