using System.ComponentModel.DataAnnotations;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>How the ledger consumes <c>ar:costs</c> (section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>
    /// Consumer name within the group; default <c>{machine}-{process id}-{random}</c>, new on every start and unique
    /// even for replicas on one machine or in containers that all run as process 1. Two processes must never share a
    /// name: each would read (and acknowledge) the other's pending entries as its own.
    /// </summary>
    public string? ConsumerName { get; set; }

    /// <summary>
    /// Most entries read and written per transaction (a read takes what is there, up to this). Default 1,000: one COPY
    /// and one insert statement per batch, so larger batches carry the load at gateway rates.
    /// </summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>Wait between reads when the stream had nothing new. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Entries pending this long on another consumer are taken over (its process is presumed dead). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ClaimMinIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often to look for such entries. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait after a failed write (PostgreSQL or Redis down); doubles up to <see cref="RetryMaxDelay"/>. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between retries. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A group member with nothing pending and idle this long is removed from the group. Default 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ForgetConsumerAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Acknowledged entries older than this are trimmed from <c>ar:costs</c> (checked every <see cref="ClaimInterval"/>);
    /// unread and pending entries are always kept. Default 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan StreamRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the stream lag is measured for the gauge. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LagRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Unread plus pending entries above which the ledger is behind: <c>/health</c> Degraded and a lag alert. Must be below
    /// <c>CostBacklog:Ceiling</c>, so the alert comes before the gateways start holding events back. Default 10,000.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long LagDegradedThreshold { get; set; } = 10_000;

    /// <summary>
    /// Age of the oldest entry not committed yet (unread or pending) above which the ledger is behind, however short the
    /// backlog. Default 30 s (a ledger that keeps pace commits within a second).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LagDegradedAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>/health</c> is Unhealthy when the oldest pending entry (read, row not committed) is older than this: PostgreSQL
    /// down, or a consumer stuck. Keep it above <see cref="ClaimMinIdle"/> plus a batch, or a replica's crash shows.
    /// Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PendingUnhealthyAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>/health</c> is Unhealthy when a backlog exists and nothing has moved (read or acknowledged) for this long. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StalledUnhealthyAfter { get; set; } = TimeSpan.FromMinutes(2);

    internal string ResolvedConsumerName =>
        string.IsNullOrWhiteSpace(ConsumerName) ? DefaultConsumerName : ConsumerName;

    private static readonly string DefaultConsumerName = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24];
}

[OptionsValidator]
internal sealed partial class IngestionOptionsValidator : IValidateOptions<IngestionOptions>;

/// <summary>Rules across fields (and against the shared backlog policy), quoting the values.</summary>
internal sealed class IngestionOptionsRulesValidator(IOptions<CostBacklogOptions> backlog) : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var errors = new List<string>();
        if (options.RetryMinDelay > options.RetryMaxDelay)
        {
            errors.Add($"Ingestion:RetryMinDelay ({options.RetryMinDelay}) must not exceed Ingestion:RetryMaxDelay ({options.RetryMaxDelay}).");
        }

        if (options.LagDegradedThreshold >= backlog.Value.Ceiling)
        {
            errors.Add($"Ingestion:LagDegradedThreshold ({options.LagDegradedThreshold}) must be below CostBacklog:Ceiling ({backlog.Value.Ceiling}): the ledger alerts before the gateways hold events back.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
