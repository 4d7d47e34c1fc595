using System.Collections.Concurrent;
using System.Collections.Frozen;
using AspireRouter.Contracts.Latency;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Latency;

/// <summary>
/// This gateway's own observations: every attempt's latency (to the full body, or to a stream's first byte) and
/// outcome, in time-sliced log histograms. A background refresh turns them into the snapshot routing reads.
/// </summary>
public sealed class LocalLatencyTracker(IOptions<LatencyOptions> options, LatencyWindow latencyWindow, TimeProvider time) : ILatencyView
{
    private readonly LatencyOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Model, string Region), SlicedWindow> _windows = new();
    private readonly Lock _refreshGate = new();
    private volatile FrozenDictionary<(string Model, string Region), LatencyStats> _snapshot =
        FrozenDictionary<(string Model, string Region), LatencyStats>.Empty;

    public IReadOnlyDictionary<(string Model, string Region), LatencyStats> All => _snapshot;

    public LatencyStats? Get(string model, string region) => _snapshot.GetValueOrDefault((model, region));

    public void Record(string model, string region, TimeSpan latency, bool success)
    {
        var sliced = _windows.GetOrAdd((model, region), _ => new SlicedWindow(latencyWindow.Slices));
        sliced.Record(SliceOf(time.GetUtcNow()), latency, success);
    }

    /// <summary>
    /// Rebuilds the snapshot from the slices still inside the window. Serialised: two concurrent refreshes (the
    /// background tick and a caller) must not let the one that read first publish last.
    /// </summary>
    public void Refresh()
    {
        lock (_refreshGate)
        {
            RefreshLocked();
        }
    }

    private void RefreshLocked()
    {
        var current = SliceOf(time.GetUtcNow());
        var oldest = current - latencyWindow.Slices + 1;
        var next = new Dictionary<(string Model, string Region), LatencyStats>();
        foreach (var (key, window) in _windows)
        {
            var (histogram, errors) = window.Merge(oldest, current);
            if (histogram.Count >= _options.MinSamples && LatencyStats.From(histogram, errors) is { } stats)
            {
                next[key] = stats;
            }
        }

        _snapshot = next.ToFrozenDictionary();
    }

    private long SliceOf(DateTimeOffset now) => now.UtcTicks / latencyWindow.SliceLength.Ticks;

    /// <summary>A ring of per-slice histograms; a slot is reset when a new slice reuses it.</summary>
    private sealed class SlicedWindow(int slices)
    {
        private readonly LogHistogram[] _histograms = Enumerable.Range(0, slices).Select(_ => new LogHistogram()).ToArray();
        private readonly long[] _errors = new long[slices];
        private readonly long[] _sliceIds = Enumerable.Repeat(long.MinValue, slices).ToArray();
        private readonly Lock _gate = new();

        public void Record(long slice, TimeSpan latency, bool success)
        {
            var slot = (int)(slice % _histograms.Length);
            lock (_gate)
            {
                if (_sliceIds[slot] != slice)
                {
                    _histograms[slot] = new LogHistogram();
                    _errors[slot] = 0;
                    _sliceIds[slot] = slice;
                }

                if (success)
                {
                    _histograms[slot].Record(latency);
                }
                else
                {
                    _errors[slot]++;
                }
            }
        }

        public (LogHistogram Histogram, long Errors) Merge(long oldest, long current)
        {
            var merged = new LogHistogram();
            long errors = 0;
            lock (_gate)
            {
                for (var slot = 0; slot < _histograms.Length; slot++)
                {
                    if (_sliceIds[slot] >= oldest && _sliceIds[slot] <= current)
                    {
                        merged.Merge(_histograms[slot]);
                        errors += _errors[slot];
                    }
                }
            }

            return (merged, errors);
        }
    }
}
