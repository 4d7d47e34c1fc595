namespace AspireRouter.Gateway.Breakers;

/// <summary>Breakers held by this process alone: the fallback while Redis is unreachable.</summary>
internal sealed class LocalBreakerStore(BreakerSettings settings) : IBreakerStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<BreakerKey, BreakerRecord> _records = [];

    public Task<BreakerStep> ExecuteAsync(BreakerKey key, BreakerOp op, BreakerArgs args, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (!_records.TryGetValue(key, out var record))
            {
                _records[key] = record = new BreakerRecord();
            }

            var before = record.State;
            var (allowed, permit) = BreakerStateMachine.Execute(record, op, args, nowMs, settings);
            return Task.FromResult(new BreakerStep(allowed, permit, before, record.ToStatus(key, nowMs, settings)));
        }
    }

    public Task<IReadOnlyList<BreakerStatus>> ReadAsync(IReadOnlyCollection<BreakerKey> keys, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            IReadOnlyList<BreakerStatus> statuses = [.. keys.Select(key =>
                _records.TryGetValue(key, out var record) ? record.ToStatus(key, nowMs, settings) : BreakerStatus.Closed(key))];
            return Task.FromResult(statuses);
        }
    }

    /// <summary>Forgets one breaker (an operator's reset): closed, with an empty window.</summary>
    public void Reset(BreakerKey key)
    {
        lock (_gate)
        {
            _records.Remove(key);
        }
    }

    /// <summary>Starts every breaker from the last shared snapshot, so an open breaker stays open when Redis goes away.</summary>
    public void Seed(IEnumerable<BreakerStatus> statuses)
    {
        lock (_gate)
        {
            _records.Clear();
            foreach (var status in statuses)
            {
                _records[status.Key] = BreakerRecord.From(status);
            }
        }
    }
}
