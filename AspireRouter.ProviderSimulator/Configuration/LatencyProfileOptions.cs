using System.ComponentModel.DataAnnotations;

namespace AspireRouter.ProviderSimulator.Configuration;

/// <summary>
/// How fast one model answers. A request waits a lognormal time to first token (median and p99 below, so
/// sigma = ln(p99 / median) / 2.326), plus <see cref="PerPromptToken"/> per prompt token (prefill), then
/// <see cref="PerOutputToken"/> per generated content token. Reasoning models think inside the time to first token.
/// </summary>
public sealed class LatencyProfileOptions
{
    /// <summary>Median time to first token for a short prompt. Default: 300 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan TimeToFirstTokenMedian { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>99th percentile of the time to first token; not below the median. Default: 700 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan TimeToFirstTokenP99 { get; set; } = TimeSpan.FromMilliseconds(700);

    /// <summary>Mean time per generated token; each request draws a rate within ±10 % of it. Default: 5 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan PerOutputToken { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Prefill time per prompt token, added to the time to first token. Default: 20 µs (10k tokens ≈ 200 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan PerPromptToken { get; set; } = TimeSpan.FromMicroseconds(20);

    /// <summary>Typical answer length in tokens; each answer draws within ±25 % of it, capped by max_tokens. Default: 50.</summary>
    [Range(1, 100_000)]
    public int DefaultOutputTokens { get; set; } = 50;

    /// <summary>Typical reasoning tokens per answer (drawn within ±25 %); used only for models with the Reasoning capability. Default: 150.</summary>
    [Range(1, 100_000)]
    public int DefaultReasoningTokens { get; set; } = 150;
}
