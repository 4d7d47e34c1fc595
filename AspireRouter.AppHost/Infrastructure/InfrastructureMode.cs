namespace AspireRouter.AppHost.Infrastructure;

/// <summary>How the AppHost provides Redis and PostgreSQL, chosen with the configuration key <c>Infrastructure:Mode</c>.</summary>
public enum InfrastructureMode
{
    /// <summary>
    /// Containers when publishing or when a container runtime answers; otherwise existing servers when both connection
    /// strings are configured; otherwise the machine's <c>redis-server</c> and PostgreSQL binaries. The default.
    /// </summary>
    Auto,

    /// <summary>The standard Redis and PostgreSQL containers.</summary>
    Containers,

    /// <summary><c>redis-server</c> and PostgreSQL run from the machine's binaries as executable resources.</summary>
    Executables,

    /// <summary>Existing servers given by <c>ConnectionStrings:redis</c> and <c>ConnectionStrings:ledgerdb</c>.</summary>
    ConnectionStrings,
}
