namespace AspireRouter.CostLedger.Keys;

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

    /// <summary>How often every key row is mirrored into Redis again (after a Redis restart or flush). Default: 30 s.</summary>
    public TimeSpan KeySyncInterval { get; set; } = TimeSpan.FromSeconds(30);
}
