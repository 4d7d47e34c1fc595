namespace AspireRouter.HealthProbe.Probing;

/// <summary>What one probe measured. Durations are null when the probe failed before reaching them.</summary>
/// <param name="Success">The stream completed.</param>
/// <param name="Ttft">Request sent to the first content token.</param>
/// <param name="Total">Request sent to the end of the stream.</param>
/// <param name="OutputTokens">Output tokens (from <c>usage</c>, else content updates counted).</param>
/// <param name="Error">A short error category when it failed (status code, <c>timeout</c>, <c>connection</c>), never a body.</param>
public sealed record ProbeResult(bool Success, TimeSpan? Ttft, TimeSpan? Total, int OutputTokens, string? Error)
{
    /// <summary>Time per output token after the first, or null with fewer than two tokens.</summary>
    public TimeSpan? PerToken => Success && Ttft is { } ttft && Total is { } total && OutputTokens > 1
        ? (total - ttft) / (OutputTokens - 1)
        : null;

    /// <summary>Output tokens per second after the first token.</summary>
    public double? TokensPerSecond => PerToken is { } perToken && perToken > TimeSpan.Zero ? 1 / perToken.TotalSeconds : null;

    public static ProbeResult Failed(string error, TimeSpan? total = null) => new(false, null, total, 0, error);
}
