using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Resilience;

/// <summary>
/// The configuration section <c>RetryThrottle</c>: client-side adaptive throttling of extra attempts (Google SRE book,
/// "Handling Overload": requests against accepts). Every attempt after a request's first — a fallback, a retry, a
/// hedge, a panic attempt — is refused with probability max(0, (attempts − K × accepts) / (attempts + 1)) over the
/// recent window of the candidate it would go to, so extra attempts flow while they succeed and stop when they don't;
/// a refused candidate is skipped and the request moves on to the next.
/// </summary>
public sealed class RetryThrottleOptions
{
    public const string SectionName = "RetryThrottle";

    /// <summary>Whether extra attempts are throttled at all. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Attempts allowed per accepted one before any extra attempt is refused. The SRE book suggests 2, which puts the
    /// edge exactly at 50 % errors, where retries are still productive (each succeeds half the time); 3 refuses nothing
    /// until two of three attempts fail, and under 100 % errors refuses almost every extra attempt whatever K is.
    /// Default: 3.
    /// </summary>
    [Range(1.0, 100.0)]
    public double K { get; set; } = 3;

    /// <summary>The sliding window the attempts and accepts are counted over (6 buckets). Default: 60 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts the window must hold before anything is refused (a quiet category is never throttled). Default: 20.</summary>
    [Range(1, 1_000_000)]
    public int MinimumAttempts { get; set; } = 20;
}

[OptionsValidator]
public sealed partial class RetryThrottleOptionsValidator : IValidateOptions<RetryThrottleOptions>;

/// <summary>Rules DataAnnotations cannot express; messages quote the bad values.</summary>
public sealed class RetryThrottleOptionsRulesValidator : IValidateOptions<RetryThrottleOptions>
{
    public ValidateOptionsResult Validate(string? name, RetryThrottleOptions options) =>
        options.Window < TimeSpan.FromSeconds(1) || options.Window > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"RetryThrottle:Window must be in [00:00:01, 01:00:00] (got {options.Window}).")
            : ValidateOptionsResult.Success;
}
