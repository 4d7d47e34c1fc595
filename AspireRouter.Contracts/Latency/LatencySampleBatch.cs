namespace AspireRouter.Contracts.Latency;

/// <summary>
/// Samples gathered in memory between two flushes to Redis, grouped by (model, region, slice) so a flush writes one
/// histogram per key however many samples arrived. Thread-safe; <see cref="Record"/> never blocks on I/O.
/// </summary>
public sealed class LatencySampleBatch(LatencyWindow window, TimeProvider time)
{
    private readonly Lock _gate = new();
    private Dictionary<(string Model, string Region, long Slice), LatencySummary> _pending = [];

    public LatencyWindow Window => window;

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0;
            }
        }
    }

    public void Record(string model, string region, LatencyMetric metric, TimeSpan value)
    {
        lock (_gate)
        {
            Entry(model, region)[metric].Record(value);
        }
    }

    public void RecordError(string model, string region)
    {
        lock (_gate)
        {
            Entry(model, region).Errors++;
        }
    }

    /// <summary>Takes every pending entry, leaving the batch empty.</summary>
    public IReadOnlyDictionary<(string Model, string Region, long Slice), LatencySummary> Drain()
    {
        lock (_gate)
        {
            var drained = _pending;
            _pending = [];
            return drained;
        }
    }

    /// <summary>Puts entries back after a failed flush (merged with what arrived meanwhile), so a Redis outage loses nothing still inside the window.</summary>
    public void Restore(IReadOnlyDictionary<(string Model, string Region, long Slice), LatencySummary> entries)
    {
        var oldest = window.SlicesAt(time.GetUtcNow()).First();
        lock (_gate)
        {
            foreach (var (key, summary) in entries)
            {
                if (key.Slice < oldest)
                {
                    continue;
                }

                if (!_pending.TryGetValue(key, out var target))
                {
                    _pending[key] = summary;
                    continue;
                }

                foreach (var metric in LatencyMetrics.All)
                {
                    target[metric].Merge(summary[metric]);
                }

                target.Errors += summary.Errors;
            }
        }
    }

    private LatencySummary Entry(string model, string region)
    {
        var key = (model, region, window.SliceOf(time.GetUtcNow()));
        if (!_pending.TryGetValue(key, out var entry))
        {
            _pending[key] = entry = new LatencySummary();
        }

        return entry;
    }
}
