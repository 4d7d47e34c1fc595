namespace AspireRouter.Contracts.Latency;

/// <summary>Latency percentiles of one model in one region over the recent window.</summary>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile (the hedging trigger).</param>
/// <param name="P99">99th percentile (compared with category budgets).</param>
/// <param name="Samples">Successful samples in the window.</param>
/// <param name="ErrorRate">Failed share of all attempts in the window.</param>
public sealed record LatencyStats(TimeSpan P50, TimeSpan P95, TimeSpan P99, long Samples, double ErrorRate)
{
    public static LatencyStats? From(LogHistogram histogram, long errors)
    {
        if (histogram.Count == 0)
        {
            return null;
        }

        var total = histogram.Count + errors;
        return new LatencyStats(
            histogram.Quantile(0.50)!.Value,
            histogram.Quantile(0.95)!.Value,
            histogram.Quantile(0.99)!.Value,
            histogram.Count,
            total == 0 ? 0 : (double)errors / total);
    }
}
