using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.AppHost.Infrastructure;

/// <summary>Adds Redis as an executable resource: loopback only, append-only persistence in a data directory, PING health check.</summary>
internal static class RedisExecutableExtensions
{
    public static IResourceBuilder<RedisExecutableResource> AddRedisExecutable(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var redisServer = ExecutableLocator.FindRedisServer();
        Directory.CreateDirectory(dataDirectory);

        var redis = new RedisExecutableResource(name, redisServer, dataDirectory);

        string? connectionString = null;
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet."),
            name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisExecutableResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--dir");
                context.Args.Add(dataDirectory);
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .OnConnectionStringAvailable(async (resource, _, ct) =>
                connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
    }
}
