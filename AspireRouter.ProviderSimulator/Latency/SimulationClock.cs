using AspireRouter.ProviderSimulator.Configuration;
using Microsoft.Extensions.Options;

namespace AspireRouter.ProviderSimulator.Latency;

/// <summary>
/// Simulated time: the run-time time scale (starts at <see cref="SimulatorOptions.TimeScale"/>) and delays on the
/// injected <see cref="TimeProvider"/>. A zero delay completes synchronously, so time scale 0 costs nothing.
/// </summary>
public sealed class SimulationClock(TimeProvider timeProvider, IOptions<SimulatorOptions> options)
{
    /// <summary>Longest single delay; far beyond any client timeout, and well inside what a timer accepts.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    private double _timeScale = options.Value.TimeScale;

    public TimeProvider TimeProvider => timeProvider;

    /// <summary>Multiplies every simulated delay; 0 means no delay at all.</summary>
    public double TimeScale => Volatile.Read(ref _timeScale);

    /// <summary>Sets the time scale and returns the previous one.</summary>
    public double SetTimeScale(double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        return Interlocked.Exchange(ref _timeScale, scale);
    }

    /// <summary>Waits <paramref name="delay"/> times <paramref name="factor"/> (already including the time scale).</summary>
    public Task DelayAsync(TimeSpan delay, double factor, CancellationToken cancellationToken)
    {
        var scaled = Scale(delay, factor);
        return scaled > TimeSpan.Zero
            ? Task.Delay(scaled, timeProvider, cancellationToken)
            : Task.CompletedTask;
    }

    private static TimeSpan Scale(TimeSpan delay, double factor) =>
        factor <= 0 || delay <= TimeSpan.Zero ? TimeSpan.Zero
        : TimeSpan.FromTicks((long)Math.Min(delay.Ticks * factor, MaxDelay.Ticks));

    /// <summary>Starts a timeline whose offsets are scaled by <paramref name="factor"/>; see <see cref="Pacer"/>.</summary>
    public Pacer StartPacer(double factor) => new(this, timeProvider.GetTimestamp(), factor);

    /// <summary>
    /// Waits until points of a timeline measured from its start, so timer overshoot on one chunk is made up on the
    /// next one instead of accumulating over a long stream.
    /// </summary>
    public readonly struct Pacer(SimulationClock clock, long startTimestamp, double factor)
    {
        public Task WaitUntilAsync(TimeSpan offset, CancellationToken cancellationToken)
        {
            if (factor <= 0)
            {
                return Task.CompletedTask;
            }

            var remaining = Scale(offset, factor) - clock.TimeProvider.GetElapsedTime(startTimestamp);
            return remaining > TimeSpan.Zero
                ? Task.Delay(remaining, clock.TimeProvider, cancellationToken)
                : Task.CompletedTask;
        }
    }
}
