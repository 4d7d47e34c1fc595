using System.Diagnostics.Metrics;

namespace AspireRouter.CostLedger.Telemetry;

/// <summary>The ledger's instruments (meter <c>AspireRouter.CostLedger</c>) and the last measured stream backlog.</summary>
public sealed class LedgerMetrics
{
    public const string MeterName = "AspireRouter.CostLedger";

    private readonly Counter<long> _written;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _budgetAlerts;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _endToEndLag;
    private long _lag = -1;
    private long _pending = -1;
    private double _oldestPendingSeconds;
    private long _deadLetters = -1;

    /// <summary><c>cause</c> of a dead letter: the event breaks the field contract (or is not an event at all).</summary>
    public const string InvalidEvent = "invalid";

    /// <summary><c>cause</c> of a dead letter: PostgreSQL refused its row (found by splitting its batch).</summary>
    public const string RefusedRow = "refused";

    public LedgerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _written = meter.CreateCounter<long>("ledger.events.written", "{event}", "Cost events written as new ledger rows.");
        _duplicates = meter.CreateCounter<long>("ledger.events.duplicates", "{event}", "Cost events ignored: their request id was already in the ledger.");
        _deadLettered = meter.CreateCounter<long>("ledger.events.dead_lettered", "{event}", "Events moved to the dead-letter stream alone, by cause (invalid, refused).");
        _budgetAlerts = meter.CreateCounter<long>("ledger.budget.alerts", "{alert}", "Budget thresholds crossed.");
        _batchDuration = meter.CreateHistogram<double>("ledger.batch.duration", "s", "Time to write one batch, read to commit.");
        _endToEndLag = meter.CreateHistogram<double>("ledger.end_to_end.lag", "s", "From the request's end at the gateway to its ledger commit.");
        meter.CreateObservableGauge("ledger.stream.lag", () => Volatile.Read(ref _lag), "{entry}", "Entries of ar:costs the group has not read yet.");
        meter.CreateObservableGauge("ledger.stream.pending", () => Volatile.Read(ref _pending), "{entry}", "Entries read but not acknowledged.");
        meter.CreateObservableGauge("ledger.stream.oldest_pending_age", () => Volatile.Read(ref _oldestPendingSeconds), "s", "Age of the oldest entry read but not acknowledged (0 when none).");
        meter.CreateObservableGauge("ledger.dead_letters", () => Volatile.Read(ref _deadLetters), "{entry}", "Entries in the dead-letter stream ar:costs:dead.");
    }

    /// <summary>Last measured unread entries (-1 before the first measurement).</summary>
    public long Lag => Volatile.Read(ref _lag);

    /// <summary>Last measured pending entries (-1 before the first measurement).</summary>
    public long Pending => Volatile.Read(ref _pending);

    public void Written(int count) => _written.Add(count);
    public void Duplicates(int count) => _duplicates.Add(count);
    public void DeadLettered(int count, string cause)
    {
        if (count > 0)
        {
            _deadLettered.Add(count, new KeyValuePair<string, object?>("cause", cause));
        }
    }
    public void BudgetAlert(string team, string period, int threshold) =>
        _budgetAlerts.Add(1, new("team", team), new("period", period), new("threshold", threshold));
    public void BatchDuration(TimeSpan duration) => _batchDuration.Record(duration.TotalSeconds);
    public void EndToEndLag(TimeSpan lag) => _endToEndLag.Record(Math.Max(0, lag.TotalSeconds));

    public void Backlog(long lag, long pending, TimeSpan? oldestPendingAge, long deadLetters)
    {
        Volatile.Write(ref _lag, lag);
        Volatile.Write(ref _pending, pending);
        Volatile.Write(ref _oldestPendingSeconds, Math.Max(0, oldestPendingAge?.TotalSeconds ?? 0));
        Volatile.Write(ref _deadLetters, deadLetters);
    }
}
