using System.Globalization;
using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Redis;
using AspireRouter.Contracts.Registry;
using AspireRouter.HealthProbe.Leadership;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.HealthProbe.Probing;

/// <summary>
/// Two loops: the election loop takes or renews the leader lease every third of its life and reads the shared round
/// time; the probe loop, on the leader only, starts the probes that are due (at most
/// <see cref="HealthProbeOptions.MaxConcurrency"/> at once) and writes each result to the shared summaries at once.
/// </summary>
public sealed partial class ProbeWorker(
    RegistryProvider registry,
    IOptions<HealthProbeOptions> options,
    ModelProber prober,
    LeaderLease lease,
    Func<IDatabase> database,
    LatencySummaryStore store,
    ProbeState state,
    ProbeMetrics metrics,
    TimeProvider time,
    ILogger<ProbeWorker> logger) : BackgroundService
{
    private readonly HealthProbeOptions _options = options.Value;
    private readonly ProbeScheduler _scheduler = new(options.Value);
    private readonly Lock _gate = new();
    private readonly HashSet<(string Model, string Region)> _warm = [];
    private int _inFlight;

    private (ModelRegistry Registry, (string Model, string Region)[] Targets) _targets;

    /// <summary>Every (model, region) the current registry offers with an endpoint (it follows a registry reload).</summary>
    public IReadOnlyList<(string Model, string Region)> Targets
    {
        get
        {
            var current = registry.Current;
            var known = _targets;
            if (known.Registry != current)
            {
                _targets = known = (current, CreateTargets(current));
            }

            return known.Targets;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(ElectAsync(stoppingToken), ProbeAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (lease.IsLeader)
        {
            try
            {
                await lease.ReleaseAsync();
                LogReleased(logger, lease.HolderId);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRedisFailed(logger, ex);
            }
        }
    }

    private async Task ElectAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(lease.LeaseTime / 3, time);
        do
        {
            var wasLeader = state.IsLeader;
            try
            {
                await lease.TryAcquireOrRenewAsync();
                if ((long?)await database().StringGetAsync(RedisKeys.ProbeRound) is { } round)
                {
                    state.LastRound = DateTimeOffset.FromUnixTimeMilliseconds(round);
                }

                state.RedisReachable = true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                state.RedisReachable = false;
                LogRedisFailed(logger, ex);
            }

            state.IsLeader = lease.IsLeader;
            if (state.IsLeader != wasLeader)
            {
                if (state.IsLeader)
                {
                    lock (_gate)
                    {
                        _scheduler.Reset();
                        _warm.Clear();
                    }

                    LogBecameLeader(logger, lease.HolderId, Targets.Count);
                }
                else
                {
                    LogLostLeadership(logger, lease.HolderId);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!lease.IsLeader)
            {
                continue;
            }

            IReadOnlyList<(string Model, string Region)> due;
            lock (_gate)
            {
                due = _scheduler.TakeDue(Targets, time.GetUtcNow(), _options.MaxConcurrency - Volatile.Read(ref _inFlight));
            }

            foreach (var target in due)
            {
                Interlocked.Increment(ref _inFlight);
                _ = Task.Run(() => ProbeOneAsync(target, stoppingToken), CancellationToken.None);
            }
        }
    }

    private async Task ProbeOneAsync((string Model, string Region) target, CancellationToken stoppingToken)
    {
        try
        {
            var current = registry.Current;
            if (!current.TryGetModel(target.Model, out var model) || current.Endpoint(model, target.Region) is not { } endpoint)
            {
                return; // the registry was reloaded without it
            }

            var result = await prober.ProbeAsync(model, endpoint, stoppingToken);
            var now = time.GetUtcNow();
            metrics.Probed(target.Model, target.Region, result);

            // A cold client's first request measures JIT, DNS and connection set-up, not the provider: it is not shared.
            bool warm;
            lock (_gate)
            {
                warm = !_warm.Add(target);
            }

            var breakerOpen = false;
            try
            {
                if (warm || !result.Success)
                {
                    await WriteAsync(target, result, now);
                }

                breakerOpen = (string?)await database().HashGetAsync(RedisKeys.Breaker(target.Model, target.Region), BreakerFields.State)
                    is BreakerStates.Open or BreakerStates.HalfOpen;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRedisFailed(logger, ex);
            }

            (TimeSpan Next, bool Fast, bool RoundCompleted) schedule;
            lock (_gate)
            {
                schedule = _scheduler.Completed(target, now, result, breakerOpen, [.. Targets]);
            }

            LogProbed(logger, target.Model, target.Region, result.Success, result.Error, result.Ttft?.TotalMilliseconds,
                result.Total?.TotalMilliseconds, result.OutputTokens, schedule.Next);
            if (schedule.RoundCompleted)
            {
                state.LastRound = now;
                await database().StringSetAsync(RedisKeys.ProbeRound, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task WriteAsync((string Model, string Region) target, ProbeResult result, DateTimeOffset now)
    {
        var summary = new LatencySummary();
        if (result is { Success: true, Total: { } total, Ttft: { } ttft })
        {
            summary[LatencyMetric.Total].Record(total);
            summary[LatencyMetric.Ttft].Record(ttft);
            if (result.PerToken is { } perToken)
            {
                summary[LatencyMetric.PerToken].Record(perToken);
            }
        }
        else
        {
            summary.Errors = 1;
        }

        await store.WriteAsync(new Dictionary<(string, string, long), LatencySummary>
        {
            [(target.Model, target.Region, store.Window.SliceOf(now))] = summary,
        });
        await store.MarkProbedAsync(target.Model, target.Region, now);
    }

    private static (string Model, string Region)[] CreateTargets(ModelRegistry registry) =>
        [.. registry.Models.Values.OrderBy(m => m.Id, StringComparer.Ordinal)
            .SelectMany(model => model.Regions.Where(region => registry.Endpoint(model, region) is not null).Select(region => (model.Id, region)))];

    [LoggerMessage(6101, LogLevel.Information, "Probe replica {HolderId} became the leader; probing {Targets} model/region pairs.")]
    private static partial void LogBecameLeader(ILogger logger, string holderId, int targets);

    [LoggerMessage(6102, LogLevel.Warning, "Probe replica {HolderId} lost the leader lease.")]
    private static partial void LogLostLeadership(ILogger logger, string holderId);

    [LoggerMessage(6103, LogLevel.Information, "Probe replica {HolderId} released the leader lease.")]
    private static partial void LogReleased(ILogger logger, string holderId);

    [LoggerMessage(6104, LogLevel.Warning, "Redis call of the health probe failed.")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception);

    [LoggerMessage(6105, LogLevel.Debug, "Probed {Model} in {Region}: success {Success} ({Error}), TTFT {TtftMs} ms, total {TotalMs} ms, {Tokens} tokens; next in {Next}.")]
    private static partial void LogProbed(ILogger logger, string model, string region, bool success, string? error, double? ttftMs, double? totalMs, int tokens, TimeSpan next);
}
