using Microsoft.Extensions.Configuration;

namespace AspireRouter.AppHost.Infrastructure;

/// <summary>
/// Adds Redis and PostgreSQL in the <see cref="InfrastructureMode"/> chosen by <c>Infrastructure:Mode</c>, always under
/// the same resource names, so consumers reference them alike whatever the mode.
/// </summary>
public static class InfrastructureExtensions
{
    public const string ModeKey = "Infrastructure:Mode";
    public const string DataDirectoryKey = "Infrastructure:DataDirectory";

    /// <summary>
    /// Resolves <c>Infrastructure:Mode</c>: publishing uses containers with volumes, or managed services given by
    /// connection strings with <c>connection-strings</c>; <c>auto</c> decides from the machine.
    /// </summary>
    public static InfrastructureMode GetInfrastructureMode(this IDistributedApplicationBuilder builder, params string[] connectionStringNames)
    {
        var configured = ParseMode(builder.Configuration[ModeKey]);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return configured is InfrastructureMode.ConnectionStrings ? InfrastructureMode.ConnectionStrings : InfrastructureMode.Containers;
        }

        if (configured is not InfrastructureMode.Auto)
        {
            return configured;
        }

        if (connectionStringNames.Length > 0
            && connectionStringNames.All(name => !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name))))
        {
            return InfrastructureMode.ConnectionStrings;
        }

        return ContainerRuntimeProbe.IsAvailable() ? InfrastructureMode.Containers : InfrastructureMode.Executables;
    }

    /// <summary>
    /// Adds Redis as <paramref name="name"/>. Published, the container keeps its data on a volume with the append-only
    /// file on, unless <c>ConnectionStrings:{name}</c> is configured: then a managed Redis given by that secret.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(
        this IDistributedApplicationBuilder builder, string name, InfrastructureMode mode) => mode switch
        {
            InfrastructureMode.Containers when builder.ExecutionContext.IsRunMode => builder.AddRedis(name).WithDataVolume(),
            InfrastructureMode.Containers when builder.HasConnectionString(name) => builder.AddConnectionString(name),
            InfrastructureMode.Containers => builder.AddRedis(name).WithDataVolume($"aspire-router-{name}-data").WithAppendOnlyFile(),
            InfrastructureMode.Executables => builder.AddRedisExecutable(name, builder.DataDirectory("redis")),
            InfrastructureMode.ConnectionStrings => builder.AddRequiredConnectionString(name),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Resolve the mode with GetInfrastructureMode first."),
        };

    /// <summary>
    /// Adds the PostgreSQL server <paramref name="serverName"/> with the database <paramref name="databaseName"/> (created if
    /// missing) and returns the database; with connection strings, only the database's connection string. Published, the
    /// container keeps its data on a volume, unless <c>ConnectionStrings:{databaseName}</c> is configured: then a managed
    /// server's database given by that secret.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresDatabase(
        this IDistributedApplicationBuilder builder, string serverName, string databaseName, InfrastructureMode mode) => mode switch
        {
            InfrastructureMode.Containers when builder.ExecutionContext.IsPublishMode && builder.HasConnectionString(databaseName) =>
                builder.AddConnectionString(databaseName),
            InfrastructureMode.Containers when builder.ExecutionContext.IsRunMode =>
                builder.AddPostgres(serverName).WithDataVolume().AddDatabase(databaseName),
            InfrastructureMode.Containers =>
                builder.AddPostgres(serverName).WithDataVolume($"aspire-router-{serverName}-data").AddDatabase(databaseName),
            InfrastructureMode.Executables =>
                builder.AddPostgresExecutable(serverName, builder.DataDirectory("postgres")).AddDatabase(databaseName),
            InfrastructureMode.ConnectionStrings => builder.AddRequiredConnectionString(databaseName),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Resolve the mode with GetInfrastructureMode first."),
        };

    private static InfrastructureMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => InfrastructureMode.Auto,
        "containers" or "container" => InfrastructureMode.Containers,
        "executables" or "executable" => InfrastructureMode.Executables,
        "connection-strings" or "connectionstrings" => InfrastructureMode.ConnectionStrings,
        _ => throw new DistributedApplicationException(
            $"{ModeKey} is '{value}'; expected one of auto, containers, executables, connection-strings."),
    };

    /// <summary>
    /// Run mode: the configured connection string, which must be set. Publish mode: a secret parameter that
    /// <c>azd</c> asks for (the managed service's connection string), nothing needed when publishing.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddRequiredConnectionString(
        this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsRunMode && !builder.HasConnectionString(name)
            ? throw new DistributedApplicationException(
                $"{ModeKey} is connection-strings but ConnectionStrings:{name} is not configured (set it in user secrets, " +
                $"appsettings or the environment variable ConnectionStrings__{name}).")
            : builder.AddConnectionString(name);

    private static bool HasConnectionString(this IDistributedApplicationBuilder builder, string name) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name));

    /// <summary>
    /// Turns on Redis's append-only file (fsync every second) next to the volume's RDB snapshots, so a restart loses at
    /// most a second of keys, budgets and limits. The container starts Redis through <c>sh -c "redis-server …"</c>: the
    /// flag joins that command line.
    /// </summary>
    private static IResourceBuilder<RedisResource> WithAppendOnlyFile(this IResourceBuilder<RedisResource> redis) =>
        redis.WithArgs(context =>
        {
            for (var i = 0; i < context.Args.Count; i++)
            {
                if (context.Args[i] is string command && command.StartsWith("redis-server", StringComparison.Ordinal))
                {
                    context.Args[i] = $"{command} --appendonly yes --appendfsync everysec";
                    return;
                }
            }

            throw new DistributedApplicationException("The Redis container's command line has no 'redis-server': cannot turn on the append-only file.");
        });

    /// <summary>Where an executable keeps its data: <c>Infrastructure:DataDirectory</c> (default <c>.data</c> next to the AppHost).</summary>
    private static string DataDirectory(this IDistributedApplicationBuilder builder, string name)
    {
        var root = builder.Configuration[DataDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : Path.Combine(builder.AppHostDirectory, ".data");
        return Path.Combine(root, name);
    }
}
