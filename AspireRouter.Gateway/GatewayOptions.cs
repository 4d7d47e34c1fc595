using System.ComponentModel.DataAnnotations;
using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway;

/// <summary>The configuration section <c>Gateway</c>: this instance's region and request limits.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Home region of this instance (<c>global</c> or <c>cn</c>); its endpoints are preferred. Default: global.</summary>
    [Required]
    public string Region { get; set; } = Regions.Global;

    /// <summary>Largest request body accepted, in bytes. Default: 4 MiB (images arrive inline as data URLs).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Longest time a client may take to send its whole body; a slower one (slow-loris) gets a 408. Default: 30 s.</summary>
    public TimeSpan BodyReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Base delay of exponential backoff between attempts on the same model. Default: 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one backoff delay. Default: 2 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many times a fast failure (a 5xx or connection error within the category's latency budget) or a 429 without
    /// <c>Retry-After</c> may be retried at once on the same candidate, when the category's <c>MaxRetries</c> is lower: the OpenAI SDKs' default retry
    /// count, so a transient error costs what it costs an app calling the provider itself, not a move to a slower
    /// model. The retry throttle still applies. Default: 3; 0 leaves it to <c>MaxRetries</c>.
    /// </summary>
    public int FastFailureRetries { get; set; } = 3;

    /// <summary>Longest silence allowed between two chunks of a stream once it has started. Default: 30 s.</summary>
    public TimeSpan StreamStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait for a stream's first byte on one attempt; past it the next candidate is tried (within the
    /// request's deadline). Default: 15 s.
    /// </summary>
    public TimeSpan StreamFirstByteTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest deadline a client may ask for with <c>X-AspireRouter-Timeout-Ms</c>. Default: 10 min.</summary>
    public TimeSpan MaxRequestTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

[OptionsValidator]
public sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>;

/// <summary>Rules DataAnnotations cannot express; messages quote the bad values.</summary>
public sealed class GatewayOptionsRulesValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (!Regions.IsKnown(options.Region))
        {
            errors.Add($"Gateway:Region '{options.Region}' is not a known region ({string.Join(", ", Regions.All)}).");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add($"Gateway:RetryBaseDelay ({options.RetryBaseDelay}) must be positive and not above RetryMaxDelay ({options.RetryMaxDelay}).");
        }

        if (options.FastFailureRetries is < 0 or > 10)
        {
            errors.Add($"Gateway:FastFailureRetries ({options.FastFailureRetries}) must be between 0 and 10.");
        }

        if (options.StreamStallTimeout <= TimeSpan.Zero || options.StreamFirstByteTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Gateway:StreamStallTimeout and StreamFirstByteTimeout must be positive (got {options.StreamStallTimeout}, {options.StreamFirstByteTimeout}).");
        }

        if (options.BodyReadTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Gateway:BodyReadTimeout must be positive (got {options.BodyReadTimeout}).");
        }

        if (options.MaxRequestTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Gateway:MaxRequestTimeout must be at least 1 s (got {options.MaxRequestTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
