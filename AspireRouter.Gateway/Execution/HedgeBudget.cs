using System.Collections.Concurrent;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Caps hedges as a share of each category's requests: every request adds <c>MaxShare</c> of a token (up to a small
/// burst), every hedge spends a whole one. Over any stretch of traffic, hedges ≤ MaxShare × requests + burst.
/// </summary>
public sealed class HedgeBudget
{
    /// <summary>Tokens a quiet category can save up.</summary>
    private const double Burst = 5;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Counts a request of <paramref name="category"/> towards its hedging allowance.</summary>
    public void OnRequest(string category, double maxShare) => _buckets.GetOrAdd(category, _ => new Bucket()).Add(maxShare);

    /// <summary>Spends one token if there is one.</summary>
    public bool TryTake(string category) => _buckets.TryGetValue(category, out var bucket) && bucket.TryTake();

    private sealed class Bucket
    {
        private readonly Lock _gate = new();
        private double _tokens;

        public void Add(double share)
        {
            lock (_gate)
            {
                _tokens = Math.Min(Burst, _tokens + share);
            }
        }

        public bool TryTake()
        {
            lock (_gate)
            {
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }
    }
}
