using System.Diagnostics.Metrics;
using System.Globalization;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// Whether the ledger is behind the gateways, one rule for <c>/health</c> (<see cref="IngestionHealthCheck"/>) and the
/// alert (<see cref="IngestionLagMonitor"/>): the backlog (unread + pending) above
/// <see cref="IngestionOptions.LagDegradedThreshold"/>, or its oldest entry older than <see cref="IngestionOptions.LagDegradedAge"/>.
/// </summary>
internal static class IngestionLag
{
    /// <summary>Why the ledger is behind, or null when it keeps pace.</summary>
    public static string? Behind(BacklogSnapshot backlog, DateTimeOffset now, IngestionOptions options)
    {
        if (backlog.Total > options.LagDegradedThreshold)
        {
            return $"the stream backlog ({backlog.Lag} unread + {backlog.Pending} pending) exceeds {options.LagDegradedThreshold}";
        }

        return backlog.OldestUnconsumedAge(now) is { } age && age > options.LagDegradedAge
            ? $"the oldest uncommitted cost event is {Seconds(age)} old (limit {Seconds(options.LagDegradedAge)})"
            : null;
    }

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}

/// <summary>
/// Raises the lag alert: measures the backlog every <see cref="IngestionOptions.LagRefreshInterval"/>, whatever the
/// consumer is doing, and when the ledger falls behind (<see cref="IngestionLag"/>) logs one warning for the episode,
/// counts it in <c>ledger.ingestion.lag_alerts</c> and sets <c>ledger.ingestion.behind</c> to 1; once it keeps pace again,
/// one information line and the gauge back to 0. Each ledger replica alerts on its own.
/// </summary>
internal sealed partial class IngestionLagMonitor : BackgroundService
{
    private readonly IConnectionMultiplexer _redis;
    private readonly IngestionProgress _progress;
    private readonly IngestionOptions _options;
    private readonly long _ceiling;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestionLagMonitor> _logger;
    private readonly Counter<long> _alerts;
    private int _behind;
    private double _oldestSeconds;

    public IngestionLagMonitor(IConnectionMultiplexer redis, IngestionProgress progress, IOptions<IngestionOptions> options,
        IOptions<CostBacklogOptions> policy, IMeterFactory meters, TimeProvider time, ILogger<IngestionLagMonitor> logger)
    {
        _redis = redis;
        _progress = progress;
        _options = options.Value;
        _ceiling = policy.Value.Ceiling;
        _time = time;
        _logger = logger;
        var meter = meters.Create(LedgerMetrics.MeterName);
        _alerts = meter.CreateCounter<long>("ledger.ingestion.lag_alerts", "{alert}", "Times the ledger fell behind the gateways (one per episode and replica).");
        meter.CreateObservableGauge("ledger.ingestion.behind", () => Volatile.Read(ref _behind), "{state}", "1 while the ledger is behind the gateways (/health Degraded), else 0.");
        meter.CreateObservableGauge("ledger.stream.oldest_unconsumed_age", () => Volatile.Read(ref _oldestSeconds), "s", "Age of the oldest entry of ar:costs not committed yet, unread or pending (0 when none).");
    }

    /// <summary>Whether the last measurement found the ledger behind.</summary>
    public bool IsBehind => Volatile.Read(ref _behind) == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.LagRefreshInterval, _time);
        do
        {
            try
            {
                var backlog = await StreamBacklog.MeasureAsync(_redis.GetDatabase()).WaitAsync(TimeSpan.FromSeconds(3), stoppingToken);
                Observe(backlog, _time.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Redis unreachable: the gateways spool, the health check says so; keep the last state.
                LogMeasureFailed(_logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal void Observe(BacklogSnapshot backlog, DateTimeOffset now)
    {
        _progress.Observe(backlog, now);
        Volatile.Write(ref _oldestSeconds, Math.Max(0, backlog.OldestUnconsumedAge(now)?.TotalSeconds ?? 0));
        var reason = IngestionLag.Behind(backlog, now, _options);
        if (reason is not null && !IsBehind)
        {
            Volatile.Write(ref _behind, 1);
            _alerts.Add(1);
            LogBehind(_logger, reason, _ceiling);
        }
        else if (reason is null && IsBehind)
        {
            Volatile.Write(ref _behind, 0);
            LogCaughtUp(_logger, backlog.Lag, backlog.Pending);
        }
    }

    [LoggerMessage(EventId = 5120, Level = LogLevel.Warning, Message = "The cost ledger is behind the gateways: {Reason}. At {Ceiling} uncommitted entries the gateways hold cost events back in their disk spools.")]
    private static partial void LogBehind(ILogger logger, string reason, long ceiling);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Information, Message = "The cost ledger has caught up with the gateways ({Lag} unread + {Pending} pending).")]
    private static partial void LogCaughtUp(ILogger logger, long lag, long pending);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Debug, Message = "Measuring the cost stream's backlog failed ({Reason}).")]
    private static partial void LogMeasureFailed(ILogger logger, string reason);
}
