using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AspireRouter.Gateway.Routing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// The breakers of every (model, region). Admission reads an in-memory snapshot; Redis is called when an outcome can
/// change state (every failure, a success while the breaker is not clean, trial permits), and successes of clean
/// breakers are counted here and flushed by <see cref="SyncAsync"/>, which also reads every breaker back. When a Redis
/// call fails the same state machine runs locally, seeded from the snapshot, until a sync reaches Redis again.
/// </summary>
/// <remarks>
/// Consecutive failures are counted across the fleet. A success reported by an instance whose snapshot still shows the
/// breaker clean reaches Redis only at that instance's next sync, so for up to a sync interval it does not break a run
/// of failures recorded by others: under intermittent errors the count runs a little high (see BreakerTimingTests).
/// </remarks>
internal sealed partial class CircuitBreakers : ICircuitBreakers
{
    private readonly RedisBreakerStore _redis;
    private readonly LocalBreakerStore _local;
    private readonly RegistryProvider _registry;
    private readonly CircuitBreakerOptions _options;
    private readonly TimeProvider _time;
    private readonly BreakerMetrics _metrics;
    private readonly ILogger<CircuitBreakers> _logger;
    private readonly ConcurrentDictionary<BreakerKey, Entry> _views = new();
    private readonly ConcurrentDictionary<BreakerKey, StrongBox<long>> _pendingSuccesses = new();
    private long _sequence;
    private int _mode = (int)Mode.Starting;

    public CircuitBreakers(
        Func<IConnectionMultiplexer> connect,
        RegistryProvider registry,
        IOptions<CircuitBreakerOptions> options,
        TimeProvider time,
        BreakerMetrics metrics,
        ILogger<CircuitBreakers> logger)
    {
        _options = options.Value;
        var settings = BreakerSettings.From(_options);
        _redis = new RedisBreakerStore(connect, settings, _options.RedisTimeout, time);
        _local = new LocalBreakerStore(settings);
        _registry = registry;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveStates(() => _views.Values.Select(e => e.Status));
    }

    private enum Mode
    {
        /// <summary>No sync has reached Redis yet: local breakers, nothing logged.</summary>
        Starting,
        Shared,
        Local,
    }

    /// <summary>A snapshot entry and when it was applied (a value of <see cref="_sequence"/>).</summary>
    private sealed record Entry(BreakerStatus Status, long AppliedAt);

    public bool IsShared => Volatile.Read(ref _mode) == (int)Mode.Shared && _redis.IsConnected;

    public ValueTask<BreakerAdmission> AdmitAsync(string model, string region)
    {
        var key = new BreakerKey(model, region);
        var status = Status(key);
        return status.State switch
        {
            BreakerState.Closed => ValueTask.FromResult(new BreakerAdmission(key, true, BreakerState.Closed, null, 0)),
            BreakerState.Open when _time.GetUtcNow() < status.OpenUntil => ValueTask.FromResult(Denied(status)),
            BreakerState.HalfOpen when status.TrialsInFlight >= _options.MaxConcurrentTrials => ValueTask.FromResult(Denied(status)),
            _ => AdmitTrialAsync(key),
        };
    }

    public ValueTask RecordAsync(BreakerAdmission admission, BreakerOutcome outcome)
    {
        if (!admission.Allowed || (outcome == BreakerOutcome.Abandoned && !admission.IsTrial))
        {
            return ValueTask.CompletedTask;
        }

        if (outcome == BreakerOutcome.Success && !admission.IsTrial && Status(admission.Key).IsClean)
        {
            // Nothing can change: count it for the failure ratio and let the next sync carry it to Redis.
            Interlocked.Increment(ref _pendingSuccesses.GetOrAdd(admission.Key, _ => new StrongBox<long>()).Value);
            return ValueTask.CompletedTask;
        }

        var op = outcome switch
        {
            BreakerOutcome.Success => BreakerOp.Success,
            BreakerOutcome.Failure => BreakerOp.Failure,
            _ => BreakerOp.Release,
        };
        return new ValueTask(ExecuteAsync(admission.Key, op, admission.TrialPermit));
    }

    public IReadOnlyList<BreakerStatus> GetStatuses() =>
        [.. _views.Values.Select(e => e.Status).OrderBy(s => s.Key.Model, StringComparer.Ordinal).ThenBy(s => s.Key.Region, StringComparer.Ordinal)];

    /// <summary>
    /// Flushes the successes counted here and reads every breaker (the registry's and any seen) back into the
    /// snapshot. Reaching Redis makes the breakers shared again; failing to makes them local. Never throws but for
    /// cancellation.
    /// </summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var keys = KnownKeys();
        var issuedAt = Interlocked.Read(ref _sequence);
        IReadOnlyList<BreakerStatus> statuses;
        try
        {
            if (!await _redis.ConnectAsync(cancellationToken))
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "not connected");
            }

            await FlushSuccessesAsync(_redis);
            statuses = await _redis.ReadAsync(keys, _time.GetUtcNow());
            EnterShared();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            EnterLocal(ex);
            await FlushSuccessesAsync(_local);
            statuses = await _local.ReadAsync(keys, _time.GetUtcNow());
        }

        foreach (var status in statuses)
        {
            Apply(status, issuedAt);
        }
    }

    private async ValueTask<BreakerAdmission> AdmitTrialAsync(BreakerKey key)
    {
        var step = await ExecuteAsync(key, BreakerOp.Admit, 0);
        return step.Allowed ? new BreakerAdmission(key, true, step.Status.State, null, step.Permit) : Denied(step.Status);
    }

    private static BreakerAdmission Denied(BreakerStatus status) => new(status.Key, false, status.State, status.OpenUntil, 0);

    private BreakerStatus Status(BreakerKey key) =>
        _views.TryGetValue(key, out var entry) ? entry.Status : BreakerStatus.Closed(key);

    /// <summary>Runs one operation in Redis, or locally when Redis is not reachable; never throws.</summary>
    private async Task<BreakerStep> ExecuteAsync(BreakerKey key, BreakerOp op, long arg)
    {
        var now = _time.GetUtcNow();
        var issuedAt = Interlocked.Read(ref _sequence);
        BreakerStep? shared = null;
        if (Volatile.Read(ref _mode) == (int)Mode.Shared)
        {
            try
            {
                shared = _redis.IsConnected
                    ? await _redis.ExecuteAsync(key, op, arg, now)
                    : throw new RedisConnectionException(ConnectionFailureType.SocketFailure, "the connection to Redis dropped");
            }
            catch (Exception ex)
            {
                EnterLocal(ex);
            }
        }

        var step = shared ?? await _local.ExecuteAsync(key, op, arg, now);

        Apply(step.Status, issuedAt);
        if (step.Transitioned)
        {
            _metrics.Transition(key, step.Before, step.Status.State);
            if (step.Status.State == BreakerState.Open)
            {
                LogOpened(_logger, key.ToString(), step.Status.OpenUntil, step.Before);
            }
            else
            {
                LogTransition(_logger, key.ToString(), step.Before, step.Status.State);
            }
        }

        return step;
    }

    /// <summary>
    /// Replaces a snapshot entry unless it would go back in time: a reading issued before the current entry was applied
    /// may have raced with it, so it wins only with a version at least as high. A reading issued after the current entry
    /// was applied is newer whatever its version (a hash that expired or was deleted starts again at version 0).
    /// </summary>
    private void Apply(BreakerStatus status, long issuedAt)
    {
        var entry = new Entry(status, Interlocked.Increment(ref _sequence));
        _views.AddOrUpdate(status.Key, entry, (_, current) =>
            current.AppliedAt <= issuedAt || status.Version >= current.Status.Version ? entry : current);
    }

    private async Task FlushSuccessesAsync(IBreakerStore store)
    {
        var now = _time.GetUtcNow();
        var tallies = new List<Task>();
        foreach (var (key, count) in _pendingSuccesses)
        {
            var successes = Interlocked.Exchange(ref count.Value, 0);
            if (successes > 0)
            {
                tallies.Add(store.ExecuteAsync(key, BreakerOp.Tally, successes, now));
            }
        }

        await Task.WhenAll(tallies);
    }

    private HashSet<BreakerKey> KnownKeys()
    {
        var keys = _registry.Current.Models.Values
            .SelectMany(m => m.Regions.Select(region => new BreakerKey(m.Id, region)))
            .ToHashSet();
        keys.UnionWith(_views.Keys);
        return keys;
    }

    private void EnterShared()
    {
        if (Interlocked.Exchange(ref _mode, (int)Mode.Shared) != (int)Mode.Shared)
        {
            LogShared(_logger);
        }
    }

    private void EnterLocal(Exception reason)
    {
        var previous = (Mode)Interlocked.Exchange(ref _mode, (int)Mode.Local);
        if (previous == Mode.Shared)
        {
            _local.Seed(_views.Values.Select(e => e.Status));
        }

        if (previous != Mode.Local)
        {
            LogRedisUnreachable(_logger, $"{reason.GetType().Name}: {reason.Message}");
        }
    }
}
