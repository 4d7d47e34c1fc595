namespace AspireRouter.AppHost.Gateways;

/// <summary>How callers authenticate to a gateway in each AppHost mode.</summary>
public static class GatewayAuthExtensions
{
    /// <summary>The local development key of the README's examples (team <c>dev</c>, everything allowed, no limits).</summary>
    public const string LocalDevelopmentKey = "local-dev";

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
}
