using AspireRouter.Contracts.Latency;

namespace AspireRouter.Gateway.Latency;

/// <summary>Routing's read of live latency: an in-memory snapshot, never a network call.</summary>
public interface ILatencyView
{
    /// <summary>Percentiles of <paramref name="model"/> in <paramref name="region"/>, or null when too few samples.</summary>
    LatencyStats? Get(string model, string region);

    /// <summary>Every (model, region) with stats, for the status endpoint.</summary>
    IReadOnlyDictionary<(string Model, string Region), LatencyStats> All { get; }
}
