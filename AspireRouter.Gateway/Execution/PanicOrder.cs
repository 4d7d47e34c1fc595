using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// The order in which a request tries candidates that are all out (panic mode, as in Envoy: better a candidate that
/// may fail than a 503 in milliseconds). Rate-limited endpoints first, the one whose cool-down ends soonest leading
/// (they are up, only busy); then half-open ones whose trial slots are taken; then open ones, lowest recent failure
/// ratio first and, at equal ratios, the one that failed least recently. Ties keep the policy's order.
/// </summary>
internal static class PanicOrder
{
    public static List<Candidate> Sort(List<(Candidate Candidate, BreakerAdmission Admission)> outs, ICircuitBreakers breakers)
    {
        var keyed = new List<(Candidate Candidate, int Rank, long CoolUntil, double Ratio, long LastFailure, int Order)>(outs.Count);
        for (var i = 0; i < outs.Count; i++)
        {
            var (candidate, admission) = outs[i];
            var status = breakers.StatusOf(candidate.Model.Id, candidate.Region);
            var rank = admission.CoolUntil is not null ? 0 : admission.State == BreakerState.HalfOpen ? 1 : 2;
            keyed.Add((candidate, rank, admission.CoolUntil?.UtcTicks ?? 0, status.FailureRatio, status.LastFailureAt?.UtcTicks ?? 0, i));
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
