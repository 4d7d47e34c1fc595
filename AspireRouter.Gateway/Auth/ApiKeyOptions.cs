using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Auth;

/// <summary>The configuration section <c>Gateway:Auth</c>: who may call the gateway.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Gateway:Auth";

    /// <summary>
    /// Let requests without any key through, charged to the team header as before keys existed. Only for local
    /// development (the AppHost turns it on in run mode); a request that does send a key is still checked. Default: false.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// A fixed key for local development (e.g. <c>local-dev</c>) that maps to team <see cref="DevelopmentTeam"/> with
    /// every category, any residency and no limits. Null (the default) disables it.
    /// </summary>
    public string? DevelopmentKey { get; set; }

    /// <summary>
    /// The operators' key for the gateway's admin routes (<c>/v1/admin</c>: resetting a breaker), the same secret as the
    /// ledger's <c>Admin:Key</c>. Null (the default) refuses every admin call.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>Team of <see cref="DevelopmentKey"/>. Default: dev.</summary>
    public string DevelopmentTeam { get; set; } = "dev";

    /// <summary>How often the key cache is reloaded from Redis, bounding how long a revoked key keeps working. Default: 2 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait for Redis when looking up a key not yet cached, or for a rate-limit check. Default: 500 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Cross-field rules; messages quote the bad values.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = new List<string>();
        if (options.RefreshInterval < TimeSpan.FromMilliseconds(100) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Gateway:Auth:RefreshInterval must be from 100 ms to 1 min (got {options.RefreshInterval}).");
        }

        if (options.RedisTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Gateway:Auth:RedisTimeout must be positive (got {options.RedisTimeout}).");
        }

        if (!Requests.CostAttribution.IsIdentifier(options.DevelopmentTeam) || options.DevelopmentTeam.Length == 0)
        {
            errors.Add($"Gateway:Auth:DevelopmentTeam '{options.DevelopmentTeam}' must be 1-64 letters, digits, '-', '_' or '.'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
