using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Costs;

/// <summary>How cost events leave the gateway (section <c>Costs</c>).</summary>
public sealed class CostOptions
{
    public const string SectionName = "Costs";

    /// <summary>
    /// Directory of the local durable spool that holds events while Redis is unreachable. Relative paths are under the
    /// content root; the gateway's region is appended (<c>.data/cost-spool/global</c>), so the two regional gateways of
    /// one machine never share a spool. Default: <c>.data/cost-spool</c>. Several replicas of one region set <see cref="SpoolPerInstance"/>.
    /// </summary>
    [Required]
    public string SpoolDirectory { get; set; } = Path.Combine(".data", "cost-spool");

    /// <summary>
    /// Gives each process its own directory under the region's, <c>{machine name}-{n}</c>: the first slot no live process
    /// holds (an exclusive lock on its <c>.owner</c> file), so replicas that share one volume, or one machine and its
    /// machine name, never write the same files, and a restarted replica replays what a dead one left in its slot.
    /// Default false (one process per region and machine).
    /// </summary>
    public bool SpoolPerInstance { get; set; }

    /// <summary>
    /// Events waiting in memory for the emitter; past this an event goes straight to the spooler's buffer
    /// (<see cref="SpoolQueueCapacity"/>). Default 10 000.
    /// </summary>
    [Range(16, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Events waiting in memory for the background spooler to write them to disk (what Redis did not take, and what
    /// overflowed <see cref="QueueCapacity"/>). A request only ever enqueues: when this buffer is full too, its event is
    /// lost, counted (<c>aspirerouter.cost.events</c>, result <c>lost</c>), logged and raised on <c>/health</c>.
    /// Default 10 000.
    /// </summary>
    [Range(16, 1_000_000)]
    public int SpoolQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Bytes of spool files up to which the gateway holds events back on disk while the stream's backlog is above
    /// <c>CostBacklog:Ceiling</c>. Past it, held-back events go to Redis over the ceiling (counted as
    /// <c>over_ceiling</c> and logged): Redis memory is the last resort before a loss. While Redis is unreachable the
    /// spool is the only place left and takes what the disk holds. Default 1 GiB (about 1.3 million events of ~800 bytes).
    /// </summary>
    [Range(16L * 1024, 1L << 40)]
    public long MaxSpoolBytes { get; set; } = 1L << 30;

    /// <summary>How long <c>/health</c> reports Degraded after a cost event was lost. Default 5 minutes.</summary>
    public TimeSpan LossAlertWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Events sent to Redis in one pipelined batch. Default 100.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long the emitter lets a batch fill after its first event before sending it (a full batch goes at once).
    /// Costs the ledger at most this much lag; saves a Redis round trip and a thread wake-up per request under load.
    /// Zero sends every event as soon as it is queued. Default 5 ms.
    /// </summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Longest wait for one batch's XADDs before it is spooled instead. Default 2 s.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the spool is checked and replayed to Redis. Default 5 s.</summary>
    public TimeSpan ReplayInterval { get; set; } = TimeSpan.FromSeconds(5);
}

[OptionsValidator]
public sealed partial class CostOptionsValidator : IValidateOptions<CostOptions>;

/// <summary>Rules DataAnnotations cannot say.</summary>
public sealed class CostOptionsRulesValidator : IValidateOptions<CostOptions>
{
    public ValidateOptionsResult Validate(string? name, CostOptions options)
    {
        var errors = new List<string>();
        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Costs:RedisTimeout must be between 0 and 1 minute; got {options.RedisTimeout}.");
        }

        if (options.ReplayInterval < TimeSpan.FromMilliseconds(10) || options.ReplayInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Costs:ReplayInterval must be between 10 ms and 1 hour; got {options.ReplayInterval}.");
        }

        if (options.BatchLinger < TimeSpan.Zero || options.BatchLinger > TimeSpan.FromSeconds(1))
        {
            errors.Add($"Costs:BatchLinger must be from 0 to 1 s; got {options.BatchLinger}.");
        }

        if (options.LossAlertWindow < TimeSpan.FromSeconds(1) || options.LossAlertWindow > TimeSpan.FromDays(1))
        {
            errors.Add($"Costs:LossAlertWindow must be from 1 s to 1 day; got {options.LossAlertWindow}.");
        }

        if (options.SpoolDirectory.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"Costs:SpoolDirectory '{options.SpoolDirectory}' is not a valid path.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
