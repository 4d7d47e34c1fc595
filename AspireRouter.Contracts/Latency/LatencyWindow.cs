namespace AspireRouter.Contracts.Latency;

/// <summary>
/// The sliding window every writer and reader of the shared latency summaries agrees on: <see cref="Window"/> cut into
/// <see cref="Slices"/> time slices aligned on the Unix epoch, so two processes with the same settings name the same
/// slice for the same instant. Readers merge the slices still inside the window; Redis expires older ones.
/// </summary>
/// <param name="Window">How far back samples count (default 5 minutes).</param>
/// <param name="Slices">Slices per window (default 10, so 30 s slices).</param>
public sealed record LatencyWindow(TimeSpan Window, int Slices)
{
    public static readonly LatencyWindow Default = new(TimeSpan.FromMinutes(5), 10);

    public TimeSpan SliceLength => Window / Slices;

    /// <summary>The slice number of an instant: Unix milliseconds / slice length.</summary>
    public long SliceOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)SliceLength.TotalMilliseconds;

    /// <summary>The slices that count at <paramref name="now"/>, oldest first.</summary>
    public IEnumerable<long> SlicesAt(DateTimeOffset now)
    {
        var current = SliceOf(now);
        for (var slice = current - Slices + 1; slice <= current; slice++)
        {
            yield return slice;
        }
    }

    /// <summary>How long a slice's keys live: the window plus one slice, so a slice outlives every reader that can still count it.</summary>
    public TimeSpan Expiry => Window + SliceLength;
}
