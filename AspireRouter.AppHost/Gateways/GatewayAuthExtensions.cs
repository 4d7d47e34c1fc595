namespace AspireRouter.AppHost.Gateways;

/// <summary>How callers authenticate to a gateway in each AppHost mode.</summary>
public static class GatewayAuthExtensions
{
    /// <summary>The local development key of the README's examples (team <c>dev</c>, everything allowed, no limits).</summary>
    public const string LocalDevelopmentKey = "local-dev";

    /// <summary>The admin key's local default in run mode (publish mode asks for the secret parameter's value).</summary>
    public const string LocalAdminKey = "local-admin";

    /// <summary>
    /// The secret parameter <c>admin-key</c> that guards the ledger's <c>/v1/admin</c> API and sees every team's spend:
    /// configured value if any, else <see cref="LocalAdminKey"/> in run mode so the quick start needs no setup.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAdminKey(this IDistributedApplicationBuilder builder)
    {
        const string name = "admin-key";
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddParameter(name, secret: true);
        }

        var value = builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured ? configured : LocalAdminKey;
        return builder.AddParameter(name, value, secret: true);
    }

    /// <summary>
    /// Run mode: the quick start needs no setup, so the gateway accepts <see cref="LocalDevelopmentKey"/> and also
    /// requests without a key (charged to the team header, as before keys). Publish mode: only issued virtual keys.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGatewayAuth(this IResourceBuilder<ProjectResource> gateway)
    {
        if (gateway.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return gateway;
        }

        return gateway
            .WithEnvironment("Gateway__Auth__DevelopmentKey", LocalDevelopmentKey)
            .WithEnvironment("Gateway__Auth__AllowAnonymous", "true");
    }

    /// <summary>
    /// Run mode: spend reports answer without a key too (the README's curl examples); publish mode: the admin key sees
    /// every team, a team's virtual key only its own.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLedgerReportAccess(this IResourceBuilder<ProjectResource> ledger) =>
        ledger.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? ledger
            : ledger.WithEnvironment("Admin__AllowAnonymousReports", "true");
}
