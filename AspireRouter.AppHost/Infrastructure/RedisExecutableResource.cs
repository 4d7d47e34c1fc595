namespace AspireRouter.AppHost.Infrastructure;

/// <summary>
/// <c>redis-server</c> run from the machine's binary (executables mode). Referenced like the Redis container: consumers get
/// <c>ConnectionStrings__{name}</c> as <c>host:port</c>, which <c>AddRedisClient(name)</c> reads.
/// </summary>
public sealed class RedisExecutableResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>The endpoint clients connect to (Aspire's proxy in front of the server's own port).</summary>
    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
