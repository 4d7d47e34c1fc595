using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Access;

/// <summary>The configuration section <c>Admin</c>: the key that guards <c>/v1/admin</c> and sees every team's spend.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The admin key (the AppHost's secret parameter <c>admin-key</c>). Null (the default): the admin API refuses every call.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// Spend reports without any key see every team (local development: the AppHost sets it in run mode only). Default
    /// false: a report needs the admin key or a team's API key.
    /// </summary>
    public bool AllowAnonymousReports { get; set; }

    /// <summary>How often every key row is mirrored into Redis again, whatever Redis holds. Default: 30 s.</summary>
    public TimeSpan KeySyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the ledger checks whether Redis lost the keys (its <c>run_id</c> changed, or it holds fewer keys than
    /// were mirrored) to mirror them again at once. Default: 500 ms.
    /// </summary>
    public TimeSpan KeyMirrorCheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Start-up validation of <see cref="AdminOptions"/>; messages quote the bad values.</summary>
public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var errors = new List<string>();
        if (options.KeySyncInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"Admin:KeySyncInterval must be at least 100 ms; got {options.KeySyncInterval}.");
        }

        if (options.KeyMirrorCheckInterval < TimeSpan.FromMilliseconds(50) || options.KeyMirrorCheckInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Admin:KeyMirrorCheckInterval must be from 50 ms to 1 minute; got {options.KeyMirrorCheckInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
