namespace AspireRouter.Contracts.Latency;

/// <summary>
/// A log-scale histogram of durations. Bucket i holds values in [γ^i, γ^(i+1)) microseconds with γ = 1.02, so any
/// percentile read from it is within 1% of a sample's true value, and histograms from many writers merge by adding
/// counts (the layout every gateway and the health probe agree on, also used for the Redis summaries).
/// </summary>
public sealed class LogHistogram
{
    /// <summary>Growth factor between bucket bounds: 2% wide buckets, ≤1% relative error at the bucket's midpoint.</summary>
    public const double Gamma = 1.02;

    /// <summary>Smallest value kept apart: 10 µs. Values below fall into bucket 0.</summary>
    public const double MinMicroseconds = 10;

    /// <summary>Buckets up to about 10 minutes; larger values fall into the last one.</summary>
    public const int BucketCount = 1000;

    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    /// <summary>The bucket a duration falls in.</summary>
    public static int BucketOf(TimeSpan value)
    {
        var micros = value.Ticks / 10.0;
        if (micros <= MinMicroseconds)
        {
            return 0;
        }

        var index = (int)(Math.Log(micros / MinMicroseconds) / LogGamma);
        return Math.Clamp(index, 0, BucketCount - 1);
    }

    /// <summary>The value a bucket stands for: the geometric midpoint of its bounds.</summary>
    public static TimeSpan ValueOf(int bucket) =>
        TimeSpan.FromTicks((long)(MinMicroseconds * Math.Pow(Gamma, bucket + 0.5) * 10));

    public void Record(TimeSpan value) => Add(BucketOf(value), 1);

    public void Add(int bucket, long count)
    {
        _counts[Math.Clamp(bucket, 0, BucketCount - 1)] += count;
        Count += count;
    }

    public void Merge(LogHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>Non-empty buckets as (index, count): the sparse form written to Redis.</summary>
    public IEnumerable<(int Bucket, long Count)> NonEmpty()
    {
        for (var i = 0; i < BucketCount; i++)
        {
            if (_counts[i] != 0)
            {
                yield return (i, _counts[i]);
            }
        }
    }

    /// <summary>The q-quantile (0 &lt; q ≤ 1) by nearest rank; null when empty.</summary>
    public TimeSpan? Quantile(double q)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return ValueOf(i);
            }
        }

        return ValueOf(BucketCount - 1);
    }
}
