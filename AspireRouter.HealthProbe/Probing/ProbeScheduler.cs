namespace AspireRouter.HealthProbe.Probing;

/// <summary>
/// When each (model, region) is probed next. A healthy model waits <see cref="HealthProbeOptions.Interval"/>; a model
/// whose last probe failed, whose breaker is open or whose total time moved by more than
/// <see cref="HealthProbeOptions.LatencyChangeThreshold"/> against its recent average waits
/// <see cref="HealthProbeOptions.FastInterval"/>, so a recovery is seen quickly. No interval is ever below
/// <see cref="HealthProbeOptions.MinIntervalPerModel"/>: the per-model cap. Not thread-safe; the worker serialises calls.
/// </summary>
public sealed class ProbeScheduler(HealthProbeOptions options)
{
    /// <summary>Weight of the newest probe in the recent average of a model's total time.</summary>
    private const double AverageWeight = 0.3;

    private readonly Dictionary<(string Model, string Region), TargetState> _targets = [];
    private readonly HashSet<(string Model, string Region)> _probedThisRound = [];

    /// <summary>The targets due at <paramref name="now"/> among <paramref name="targets"/>, marked in flight; new targets are due at once.</summary>
    public IReadOnlyList<(string Model, string Region)> TakeDue(IEnumerable<(string Model, string Region)> targets, DateTimeOffset now, int limit)
    {
        List<(string Model, string Region)> due = [];
        foreach (var target in targets)
        {
            if (due.Count >= limit)
            {
                break;
            }

            if (!_targets.TryGetValue(target, out var state))
            {
                _targets[target] = state = new TargetState { NextDue = now };
            }

            if (!state.InFlight && state.NextDue <= now)
            {
                state.InFlight = true;
                due.Add(target);
            }
        }

        return due;
    }

    /// <summary>Schedules the next probe after one completed; returns the interval chosen and whether it closed a round.</summary>
    public (TimeSpan Next, bool Fast, bool RoundCompleted) Completed(
        (string Model, string Region) target, DateTimeOffset now, ProbeResult result, bool breakerOpen, IReadOnlyCollection<(string Model, string Region)> allTargets)
    {
        var state = _targets[target];
        state.InFlight = false;

        var moved = false;
        if (result.Success && result.Total is { } total)
        {
            var ms = total.TotalMilliseconds;
            moved = state.Average is { } average && Math.Abs((ms / average) - 1) > options.LatencyChangeThreshold;
            state.Average = state.Average is { } previous ? (AverageWeight * ms) + ((1 - AverageWeight) * previous) : ms;
        }

        var fast = !result.Success || breakerOpen || moved;
        var interval = fast ? options.FastInterval : options.Interval;
        if (interval < options.MinIntervalPerModel)
        {
            interval = options.MinIntervalPerModel;
        }

        state.NextDue = now + interval;

        _probedThisRound.Add(target);
        var roundCompleted = allTargets.All(_probedThisRound.Contains);
        if (roundCompleted)
        {
            _probedThisRound.Clear();
        }

        return (interval, fast, roundCompleted);
    }

    /// <summary>Forgets every schedule: a replica that regains leadership starts a fresh round.</summary>
    public void Reset()
    {
        _targets.Clear();
        _probedThisRound.Clear();
    }

    private sealed class TargetState
    {
        public DateTimeOffset NextDue { get; set; }

        public bool InFlight { get; set; }

        /// <summary>Exponentially weighted average of recent totals, in milliseconds.</summary>
        public double? Average { get; set; }
    }
}
