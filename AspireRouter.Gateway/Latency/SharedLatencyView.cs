using System.Collections.Frozen;
using AspireRouter.Contracts.Latency;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Latency;

/// <summary>Where the current latency snapshot came from.</summary>
public enum LatencySource
{
    /// <summary>This gateway's own observations: Redis has not been read yet or cannot be reached.</summary>
    Local,

    /// <summary>The summaries shared in Redis by every gateway and the health probe.</summary>
    Shared,
}

/// <summary>One model in one region as the status endpoint and the gauges show it.</summary>
public sealed record ModelLatency(
    string Model,
    string Region,
    LatencyStats? Total,
    LatencyStats? Ttft,
    LatencyStats? PerToken,
    long Errors,
    DateTimeOffset? LastProbe);

/// <summary>An immutable reading of every model and region, replaced whole by each refresh.</summary>
public sealed record LatencySnapshot(
    LatencySource Source,
    DateTimeOffset At,
    FrozenDictionary<(string Model, string Region), ModelLatency> Models)
{
    public static readonly LatencySnapshot Empty = new(LatencySource.Local, DateTimeOffset.MinValue,
        FrozenDictionary<(string Model, string Region), ModelLatency>.Empty);
}

/// <summary>
/// Routing's view of live latency: the shared Redis summaries while they can be read, this gateway's own observations
/// (<see cref="LocalLatencyTracker"/>) otherwise. Reads are lock-free snapshot reads; <see cref="SharedLatencyService"/>
/// replaces the snapshot in the background.
/// </summary>
public sealed class SharedLatencyView(LocalLatencyTracker local, IOptions<LatencyOptions> options) : ILatencyView
{
    private readonly int _minSamples = options.Value.MinSamples;
    private volatile LatencySnapshot _snapshot = LatencySnapshot.Empty;
    private volatile FrozenDictionary<(string Model, string Region), LatencyStats> _routing =
        FrozenDictionary<(string Model, string Region), LatencyStats>.Empty;

    public LatencySnapshot Snapshot => _snapshot;

    public IReadOnlyDictionary<(string Model, string Region), LatencyStats> All =>
        _snapshot.Source == LatencySource.Shared ? _routing : local.All;

    public LatencyStats? Get(string model, string region) =>
        _snapshot.Source == LatencySource.Shared ? _routing.GetValueOrDefault((model, region)) : local.Get(model, region);

    /// <summary>Replaces the snapshot; routing sees totals with at least <see cref="LatencyOptions.MinSamples"/> samples.</summary>
    public void Publish(LatencySnapshot snapshot)
    {
        _routing = snapshot.Models
            .Where(m => m.Value.Total is { } total && total.Samples >= _minSamples)
            .ToFrozenDictionary(m => m.Key, m => m.Value.Total!);
        _snapshot = snapshot;
    }
}
