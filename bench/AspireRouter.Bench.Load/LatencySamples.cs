using System.Diagnostics;

namespace AspireRouter.Bench.Load;

/// <summary>Latencies of one run, in <see cref="Stopwatch"/> ticks; thread-safe appends, percentiles by nearest rank.</summary>
public sealed class LatencySamples
{
    private readonly List<long> _ticks = new(1 << 16);
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ticks.Count;
            }
        }
    }

    public void Add(long ticks)
    {
        lock (_gate)
        {
            _ticks.Add(ticks);
        }
    }

    /// <summary>The samples sorted, in milliseconds.</summary>
    public double[] SortedMilliseconds()
    {
        long[] copy;
        lock (_gate)
        {
            copy = [.. _ticks];
        }

        Array.Sort(copy);
        return Array.ConvertAll(copy, t => t * 1000.0 / Stopwatch.Frequency);
    }

    /// <summary>
    /// Nearest-rank percentile of sorted values: the smallest value with at least <paramref name="percent"/>% of
    /// the samples at or below it. NaN when there are none.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
