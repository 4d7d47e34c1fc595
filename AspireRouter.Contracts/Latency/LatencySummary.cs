namespace AspireRouter.Contracts.Latency;

/// <summary>
/// The merged window of one model in one region: a histogram per <see cref="LatencyMetric"/>, failed attempts, and when
/// the health probe last completed a probe of it.
/// </summary>
public sealed class LatencySummary
{
    private readonly LogHistogram[] _histograms = [new(), new(), new()];

    public long Errors { get; set; }

    public DateTimeOffset? LastProbe { get; set; }

    public LogHistogram this[LatencyMetric metric] => _histograms[(int)metric];

    /// <summary>Percentiles of one metric with the window's error rate; null when the metric has no sample.</summary>
    public LatencyStats? Stats(LatencyMetric metric) =>
        LatencyStats.From(this[metric], metric == LatencyMetric.Total ? Errors : ErrorsScaledTo(this[metric].Count));

    /// <summary>Ttft and per-token samples come from fewer attempts (streams, probes); their error rate is the total's.</summary>
    private long ErrorsScaledTo(long count)
    {
        var total = this[LatencyMetric.Total].Count;
        return total == 0 ? Errors : (long)Math.Round((double)Errors * count / total);
    }
}
