using System.ComponentModel.DataAnnotations;
using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Options;

namespace AspireRouter.ProviderSimulator.Configuration;

/// <summary>
/// The configuration section <c>Simulator</c>: which region this instance plays, the key clients must send, and how
/// slow the simulated providers are. Every duration is multiplied by <see cref="TimeScale"/>.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>The region this instance plays: <c>global</c> or <c>cn</c>. Only models offered there are served. Default: <c>global</c>.</summary>
    [Required]
    [AllowedValues(Regions.Global, Regions.Cn)]
    public string Region { get; set; } = Regions.Global;

    /// <summary>The Bearer key clients must send on <c>/v1/*</c>. Never logged. Default: <c>sim-dev-key</c>.</summary>
    [Required]
    [MinLength(1)]
    public string ApiKey { get; set; } = "sim-dev-key";

    /// <summary>Lower bound of the extra latency added to requests under <c>/cross-region</c>, drawn uniformly. Default: 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CrossRegionLatencyMin { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the cross-region latency; must not be below <see cref="CrossRegionLatencyMin"/>. Default: 400 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CrossRegionLatencyMax { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Multiplies every simulated delay: 1 is real time, 0.05 makes tests fast, 0 answers instantly (benchmarks).
    /// Changeable at run time through <c>PUT /admin/time-scale</c>. Default: 1.
    /// </summary>
    [Range(0.0, 1000.0)]
    public double TimeScale { get; set; } = 1.0;

    /// <summary>Tokens per streamed content chunk (the last chunk may carry fewer). Default: 4.</summary>
    [Range(1, 64)]
    public int StreamChunkTokens { get; set; } = 4;

    /// <summary>How many recent requests <c>GET /admin/requests</c> can return (a ring buffer). Default: 10,000.</summary>
    [Range(1, 1_000_000)]
    public int RequestLogCapacity { get; set; } = 10_000;

    /// <summary>Latency profile of a served model that has no entry in <see cref="Profiles"/>. Default: see <see cref="LatencyProfileOptions"/>.</summary>
    [ValidateObjectMembers]
    public LatencyProfileOptions DefaultProfile { get; set; } = new();

    /// <summary>
    /// Latency profile per registry model id. Default: <see cref="DefaultLatencyProfiles"/>, which reproduces the seed's p99
    /// figures; configuration overrides single values (<c>Simulator:Profiles:qwen-3-8b:TimeToFirstTokenP99</c>).
    /// </summary>
    public Dictionary<string, LatencyProfileOptions> Profiles { get; set; } = DefaultLatencyProfiles.Create();

    /// <summary>The profile for <paramref name="modelId"/>, or <see cref="DefaultProfile"/>.</summary>
    public LatencyProfileOptions ProfileFor(string modelId) =>
        Profiles.TryGetValue(modelId, out var profile) ? profile : DefaultProfile;
}
