namespace AspireRouter.Contracts.Latency;

/// <summary>What a latency sample measures.</summary>
public enum LatencyMetric
{
    /// <summary>Request sent to the last byte of the response (non-streamed), or to the stream's end (probe). Routing compares its p99 with the category budget.</summary>
    Total,

    /// <summary>Request sent to the first token (a stream's first content byte).</summary>
    Ttft,

    /// <summary>Time per output token after the first: (total − TTFT) / (output tokens − 1).</summary>
    PerToken,
}

/// <summary>Names of <see cref="LatencyMetric"/> values in Redis keys, status JSON and metric tags.</summary>
public static class LatencyMetrics
{
    public static readonly LatencyMetric[] All = [LatencyMetric.Total, LatencyMetric.Ttft, LatencyMetric.PerToken];

    public static string Name(LatencyMetric metric) => metric switch
    {
        LatencyMetric.Total => "total",
        LatencyMetric.Ttft => "ttft",
        LatencyMetric.PerToken => "per_token",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };
}
