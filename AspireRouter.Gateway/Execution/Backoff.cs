namespace AspireRouter.Gateway.Execution;

/// <summary>Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS architecture blog).</summary>
public static class Backoff
{
    /// <summary>
    /// Delay before retry number <paramref name="retry"/> (1-based) of the same model: uniform in
    /// [0, min(max, base·2^(retry-1))], and never shorter than the provider's <c>Retry-After</c>.
    /// </summary>
    public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter, double random)
    {
        var exponent = Math.Min(retry - 1, 30);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = TimeSpan.FromMilliseconds(ceiling * Math.Clamp(random, 0, 1));
        return retryAfter is { } floor && floor > jittered ? floor : jittered;
    }
}
