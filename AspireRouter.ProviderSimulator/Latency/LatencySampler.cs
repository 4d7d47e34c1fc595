using AspireRouter.ProviderSimulator.Configuration;
namespace AspireRouter.ProviderSimulator.Latency;

/// <summary>Draws latencies and answer lengths from a <see cref="LatencyProfileOptions"/>. Thread-safe when its <see cref="Random"/> is.</summary>
public sealed class LatencySampler(Random random)
{
    /// <summary>The z-score of the 99th percentile of a standard normal distribution.</summary>
    private const double P99ZScore = 2.326;

    /// <summary>Draws beyond six sigma are clamped so one unlucky draw cannot stall a test for minutes.</summary>
    private const double MaxZ = 6;

    public LatencySampler() : this(Random.Shared)
    {
    }

    /// <summary>Lognormal time to first token plus prefill for <paramref name="promptTokens"/>.</summary>
    public TimeSpan TimeToFirstToken(LatencyProfileOptions profile, int promptTokens)
    {
        var median = profile.TimeToFirstTokenMedian.TotalMilliseconds;
        var sigma = Math.Log(profile.TimeToFirstTokenP99.TotalMilliseconds / median) / P99ZScore;
        var z = Math.Clamp(StandardNormal(), -MaxZ, MaxZ);
        return TimeSpan.FromMilliseconds(median * Math.Exp(sigma * z)) + profile.PerPromptToken * promptTokens;
    }

    /// <summary>This request's time per output token: the profile's within ±10 %.</summary>
    public TimeSpan PerOutputToken(LatencyProfileOptions profile) => profile.PerOutputToken * Uniform(0.9, 1.1);

    /// <summary>How long the answer would be if nothing capped it: the profile's typical length within ±25 %, at least 1.</summary>
    public int OutputTokens(LatencyProfileOptions profile) => AroundTypical(profile.DefaultOutputTokens);

    /// <summary>Reasoning tokens of one answer of a reasoning model: the profile's typical count within ±25 %, at least 1.</summary>
    public int ReasoningTokens(LatencyProfileOptions profile) => AroundTypical(profile.DefaultReasoningTokens);

    /// <summary>Uniform between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public TimeSpan Between(TimeSpan min, TimeSpan max) => min + (max - min) * random.NextDouble();

    /// <summary>One draw of the whole non-streamed answer time for a short prompt: what the seed's p99 figures describe.</summary>
    public TimeSpan TypicalAnswer(LatencyProfileOptions profile, int promptTokens = 20) =>
        TimeToFirstToken(profile, promptTokens) + PerOutputToken(profile) * OutputTokens(profile);

    private int AroundTypical(int typical) => Math.Max(1, (int)Math.Round(typical * Uniform(0.75, 1.25)));

    private double Uniform(double min, double max) => min + (max - min) * random.NextDouble();

    /// <summary>Box-Muller; 1 - NextDouble() is in (0, 1] so the logarithm is finite.</summary>
    private double StandardNormal() =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
