using System.ComponentModel.DataAnnotations;
using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspireRouter.Contracts.Costs;

/// <summary>
/// How far the ledger may fall behind the gateways on <see cref="CostStream.Name"/> (section <c>CostBacklog</c>), one
/// policy for both sides. The backlog is what the ledger has not committed yet, unread plus pending
/// (<see cref="BacklogSnapshot.Total"/>). At <see cref="Ceiling"/> each gateway stops adding to the stream and holds its
/// events in its disk spool; below <see cref="ResumeBelow"/> it writes to the stream again and replays what it held,
/// never more at once than brings the backlog back to the ceiling. The ledger turns Degraded well before the ceiling
/// (<c>Ingestion:LagDegradedThreshold</c>, which must be below it).
/// </summary>
public sealed class CostBacklogOptions
{
    public const string SectionName = "CostBacklog";

    /// <summary>
    /// Unconsumed entries at or above which the gateways spool to disk instead of growing Redis. Default 200,000:
    /// about 20 s of two gateways at 5,000 req/s each, about 165 MB of Redis at ~830 bytes an entry (measured on Redis 7.0).
    /// </summary>
    [Range(2, long.MaxValue)]
    public long Ceiling { get; set; } = 200_000;

    /// <summary>
    /// Unconsumed entries below which the gateways write to the stream again and replay their spool (hysteresis, so one
    /// slow batch does not flip them back and forth). Must be below <see cref="Ceiling"/>. Default 100,000.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long ResumeBelow { get; set; } = 100_000;

    /// <summary>
    /// How often each gateway measures the backlog (one <c>XINFO GROUPS</c> from one background task, never per
    /// event); between two measurements it counts what it added itself. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);
}

[OptionsValidator]
public sealed partial class CostBacklogOptionsValidator : IValidateOptions<CostBacklogOptions>;

/// <summary>Rules across fields, quoting the values.</summary>
public sealed class CostBacklogOptionsRulesValidator : IValidateOptions<CostBacklogOptions>
{
    public ValidateOptionsResult Validate(string? name, CostBacklogOptions options) =>
        options.ResumeBelow >= options.Ceiling
            ? ValidateOptionsResult.Fail($"CostBacklog:ResumeBelow ({options.ResumeBelow}) must be below CostBacklog:Ceiling ({options.Ceiling}).")
            : ValidateOptionsResult.Success;
}

/// <summary>Registration of the one backlog policy, the same in the gateways and the ledger.</summary>
public static class CostBacklogServiceCollectionExtensions
{
    /// <summary>Binds <see cref="CostBacklogOptions"/> to <c>CostBacklog</c> and validates it at start-up.</summary>
    public static IServiceCollection AddCostBacklogPolicy(this IServiceCollection services) =>
        services.AddValidatedOptions<CostBacklogOptions, CostBacklogOptionsValidator, CostBacklogOptionsRulesValidator>(CostBacklogOptions.SectionName);
}
