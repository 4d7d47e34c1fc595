using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// The order in which a request tries candidates that are all out (panic mode, as in Envoy: better a candidate that
/// may fail than a 503 in milliseconds). Rate-limited endpoints first (they are up, only busy): those whose cool-down
/// ends within <see cref="SoonEnough"/> in the policy's order, as if not cooling, then the others, the one whose
/// cool-down ends soonest leading; then half-open ones whose trial slots are taken; then open ones, lowest recent
/// failure ratio first and, at equal ratios, the one that failed least recently. Ties keep the policy's order.
/// </summary>
internal static class PanicOrder
{
    /// <summary>
    /// Cool-downs ending this close are alike: a default one (no Retry-After) lasts 0.5–1.5 s with jitter, and ordering
    /// by its random end would send a rate-limit storm's requests to random, slower or farther, candidates of the chain.
    /// </summary>
    public static readonly TimeSpan SoonEnough = TimeSpan.FromSeconds(2);

    public static List<Candidate> Sort(List<(Candidate Candidate, BreakerAdmission Admission)> outs, ICircuitBreakers breakers, DateTimeOffset now)
    {
        var soon = (now + SoonEnough).UtcTicks;
        var keyed = new List<(Candidate Candidate, int Rank, long CoolUntil, double Ratio, long LastFailure, int Order)>(outs.Count);
        for (var i = 0; i < outs.Count; i++)
        {
            var (candidate, admission) = outs[i];
            var status = breakers.StatusOf(candidate.Model.Id, candidate.Region);
            var rank = admission.CoolUntil is not null ? 0 : admission.State == BreakerState.HalfOpen ? 1 : 2;
            var coolUntil = admission.CoolUntil is { } until && until.UtcTicks > soon ? until.UtcTicks : 0;
            keyed.Add((candidate, rank, coolUntil, status.FailureRatio, status.LastFailureAt?.UtcTicks ?? 0, i));
        }

        keyed.Sort(static (a, b) =>
            a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank)
            : a.CoolUntil != b.CoolUntil ? a.CoolUntil.CompareTo(b.CoolUntil)
            : a.Ratio != b.Ratio ? a.Ratio.CompareTo(b.Ratio)
            : a.LastFailure != b.LastFailure ? a.LastFailure.CompareTo(b.LastFailure)
            : a.Order.CompareTo(b.Order));
        return keyed.ConvertAll(k => k.Candidate);
    }
}
