using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Latency;

namespace AspireRouter.Gateway.Routing.Policies;

/// <summary>Orders a category's candidates. One implementation per policy name in <see cref="RoutingPolicies"/>.</summary>
public interface IRoutingPolicy
{
    string Name { get; }

    /// <summary>
    /// Returns the attempt order. Models whose live p99 exceeds the category's latency budget are demoted behind
    /// those within it (never dropped: a slow answer beats none).
    /// </summary>
    IReadOnlyList<Candidate> Order(IReadOnlyList<Candidate> candidates, CategorySpec category, ILatencyView latency);
}

/// <summary>What the policies share: is a candidate within its category's budget, and its p99 when known.</summary>
internal static class LatencyBudget
{
    /// <summary>Unknown latency counts as within budget: no evidence against the model.</summary>
    public static bool WithinBudget(Candidate candidate, CategorySpec category, ILatencyView latency) =>
        latency.Get(candidate.Model.Id, candidate.Region) is not { } stats || stats.P99 <= category.LatencyBudget;

    /// <summary>p99 when known, else the budget itself (neutral).</summary>
    public static TimeSpan P99OrBudget(Candidate candidate, CategorySpec category, ILatencyView latency) =>
        latency.Get(candidate.Model.Id, candidate.Region)?.P99 ?? category.LatencyBudget;

    /// <summary>Blended USD per million tokens (input + output), the price policies compare.</summary>
    public static decimal BlendedPrice(Candidate candidate) =>
        candidate.Model.Price.InputPerMillion + candidate.Model.Price.OutputPerMillion;

    /// <summary>
    /// <paramref name="candidates"/> in ascending <paramref name="key"/> order, ties in their given order (a stable
    /// insertion sort: lists are a chain's length, and this runs on every request).
    /// </summary>
    public static Candidate[] SortBy<TState, TKey>(IReadOnlyList<Candidate> candidates, TState state, Func<Candidate, TState, TKey> key)
        where TKey : IComparable<TKey>
    {
        var sorted = new Candidate[candidates.Count];
        var keys = new TKey[candidates.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            var candidate = candidates[i];
            var k = key(candidate, state);
            var j = i;
            for (; j > 0 && keys[j - 1].CompareTo(k) > 0; j--)
            {
                sorted[j] = sorted[j - 1];
                keys[j] = keys[j - 1];
            }

            sorted[j] = candidate;
            keys[j] = k;
        }

        return sorted;
    }
}
