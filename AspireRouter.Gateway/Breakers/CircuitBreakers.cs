using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// The breakers of every (model, region). Admission reads an in-memory snapshot; Redis is called when an outcome can
/// change state (every failure and 429, trial outcomes, trial permits). Other successes are counted here and reach
/// Redis with this instance's next call for that breaker or its next <see cref="SyncAsync"/>, which also reads every
/// breaker back. When a Redis call fails the same state machine runs locally, seeded from the snapshot, until a sync
/// reaches Redis again.
/// </summary>
/// <remarks>
/// A failure carries the successes counted since this instance's last call, so the window it is judged against holds
/// all of this instance's successes and the others' up to their last call or sync (at most a sync interval old).
/// </remarks>
internal sealed partial class CircuitBreakers : ICircuitBreakers
{
    /// <summary>
    /// While the window holds fewer attempts than this, successes are written at once rather than batched: with little
    /// evidence, a failure must be judged against every success the fleet has seen (no false trip at start-up).
    /// </summary>
    private const int YoungWindow = 20;

    private readonly RedisBreakerStore _redis;
    private readonly LocalBreakerStore _local;
    private readonly RegistryProvider _registry;
    private readonly CircuitBreakerOptions _options;
    private readonly TimeProvider _time;
    private readonly BreakerMetrics _metrics;
    private readonly ILogger<CircuitBreakers> _logger;
    private readonly ConcurrentDictionary<BreakerKey, Entry> _views = new();
    private readonly ConcurrentDictionary<BreakerKey, StrongBox<long>> _pendingSuccesses = new();
    private readonly ConcurrentDictionary<BreakerKey, StrongBox<long>> _inFlight = new();
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
        metrics.ObserveStates(() => _views.Values.Select(e => e.Status), time);
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
        var now = _time.GetUtcNow();
        if (status.IsCooling(now))
        {
            return ValueTask.FromResult(Denied(status) with { CoolUntil = status.CoolUntil, CoolGuessed = status.IsCoolingOnGuess(now) });
        }

        return status.State switch
        {
            BreakerState.Closed => ValueTask.FromResult(new BreakerAdmission(key, true, BreakerState.Closed, null, 0)),
            BreakerState.Open when now < status.OpenUntil => ValueTask.FromResult(Denied(status)),
            BreakerState.HalfOpen when status.TrialsInFlight >= _options.MaxConcurrentTrials => ValueTask.FromResult(Denied(status)),
            _ => AdmitTrialAsync(key),
        };
    }

    public BreakerAdmission AdmitInPanic(string model, string region)
    {
        var status = Status(new BreakerKey(model, region));
        return new BreakerAdmission(status.Key, true, status.State, status.OpenUntil, 0) { Panic = true, CoolUntil = status.CoolUntil };
    }

    public ValueTask RecordAsync(BreakerAdmission admission, BreakerOutcome outcome, TimeSpan? retryAfter = null)
    {
        if (!admission.Allowed || (outcome == BreakerOutcome.Abandoned && !admission.IsTrial))
        {
            return ValueTask.CompletedTask;
        }

        if (outcome == BreakerOutcome.Success && !admission.IsTrial && Status(admission.Key) is { } status
            && status.WindowFailures + status.WindowSuccesses >= YoungWindow)
        {
            // Only trials close a breaker: count it for the failure ratio and let the next call or sync carry it to Redis.
            Interlocked.Increment(ref Pending(admission.Key).Value);
            return ValueTask.CompletedTask;
        }

        var op = outcome switch
        {
            BreakerOutcome.Success => BreakerOp.Success,
            BreakerOutcome.Failure => BreakerOp.Failure,
            BreakerOutcome.RateLimited => BreakerOp.Throttled,
            _ => BreakerOp.Release,
        };
        var coolUntil = op == BreakerOp.Throttled ? (_time.GetUtcNow() + CoolDown(retryAfter)).ToUnixTimeMilliseconds() : 0;
        if (op == BreakerOp.Throttled)
        {
            _metrics.CoolDown(admission.Key);
        }

        var args = new BreakerArgs(admission.TrialPermit, Interlocked.Exchange(ref Pending(admission.Key).Value, 0), coolUntil,
            Told: op == BreakerOp.Throttled && retryAfter is not null,
            InFlight: op == BreakerOp.Failure ? Math.Max(0, Interlocked.Read(ref InFlight(admission.Key).Value)) : 0);
        return new ValueTask(ExecuteAsync(admission.Key, op, args));
    }

    public BreakerStatus StatusOf(string model, string region) => Status(new BreakerKey(model, region));

    public void AttemptStarted(string model, string region) => Interlocked.Increment(ref InFlight(new BreakerKey(model, region)).Value);

    public void AttemptEnded(string model, string region) => Interlocked.Decrement(ref InFlight(new BreakerKey(model, region)).Value);

    public async Task<(BreakerStatus Before, bool Shared)> ResetAsync(string model, string region)
    {
        var key = new BreakerKey(model, region);
        var before = Status(key);
        Interlocked.Exchange(ref Pending(key).Value, 0);
        _local.Reset(key);
        var shared = false;
        try
        {
            if (await _redis.ConnectAsync(CancellationToken.None))
            {
                await _redis.DeleteAsync(key);
                shared = true;
            }
        }
        catch (Exception ex)
        {
            EnterLocal(ex);
        }

        // Issued after the delete: replaces whatever this instance read before it, whatever that reading's version.
        Apply(BreakerStatus.Closed(key), Interlocked.Read(ref _sequence));
        if (before.State != BreakerState.Closed)
        {
            _metrics.Transition(key, before.State, BreakerState.Closed);
        }

        LogReset(_logger, key.ToString(), before.State, shared);
        return (before, shared);
    }

    public double RecoveryShare(string model, string region)
    {
        var status = Status(new BreakerKey(model, region));
        if (status.State != BreakerState.Closed || status.ChangedAt is not { } closedAt || _options.RecoveryRamp <= TimeSpan.Zero)
        {
            return 1;
        }

        var elapsed = _time.GetUtcNow() - closedAt;
        return elapsed >= _options.RecoveryRamp ? 1 : 0.1 + (0.9 * Math.Max(0, elapsed / _options.RecoveryRamp));
    }

    /// <summary>The provider's Retry-After (capped), or the default with jitter: uniform in [½, 1½] of it.</summary>
    private TimeSpan CoolDown(TimeSpan? retryAfter)
    {
        var coolDown = retryAfter ?? _options.RateLimitCoolDown * (0.5 + Random.Shared.NextDouble());
        return coolDown > _options.MaxRateLimitCoolDown ? _options.MaxRateLimitCoolDown : coolDown;
    }

    private StrongBox<long> Pending(BreakerKey key) => _pendingSuccesses.GetOrAdd(key, static _ => new StrongBox<long>());

    private StrongBox<long> InFlight(BreakerKey key) => _inFlight.GetOrAdd(key, static _ => new StrongBox<long>());

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
        var step = await ExecuteAsync(key, BreakerOp.Admit, new BreakerArgs(Successes: Interlocked.Exchange(ref Pending(key).Value, 0)));
        return step.Allowed ? new BreakerAdmission(key, true, step.Status.State, null, step.Permit) : Denied(step.Status);
    }

    private static BreakerAdmission Denied(BreakerStatus status) => new(status.Key, false, status.State, status.OpenUntil, 0);

    private BreakerStatus Status(BreakerKey key) =>
        _views.TryGetValue(key, out var entry) ? entry.Status : BreakerStatus.Closed(key);

    /// <summary>Runs one operation in Redis, or locally when Redis is not reachable; never throws.</summary>
    private async Task<BreakerStep> ExecuteAsync(BreakerKey key, BreakerOp op, BreakerArgs args)
    {
        var now = _time.GetUtcNow();
        var issuedAt = Interlocked.Read(ref _sequence);
        BreakerStep? shared = null;
        if (Volatile.Read(ref _mode) == (int)Mode.Shared)
        {
            try
            {
                shared = _redis.IsConnected
                    ? await _redis.ExecuteAsync(key, op, args, now)
                    : throw new RedisConnectionException(ConnectionFailureType.SocketFailure, "the connection to Redis dropped");
            }
            catch (Exception ex)
            {
                EnterLocal(ex);
            }
        }

        var step = shared ?? await _local.ExecuteAsync(key, op, args, now);

        Apply(step.Status, issuedAt);
        if (step.Transitioned)
        {
            _metrics.Transition(key, step.Before, step.Status.State);
            if (step.Status.State == BreakerState.Open)
            {
                LogOpened(_logger, key.ToString(), step.Status.OpenUntil, step.Before, step.Status.TripReason);
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
                tallies.Add(store.ExecuteAsync(key, BreakerOp.Tally, new BreakerArgs(Successes: successes), now));
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
