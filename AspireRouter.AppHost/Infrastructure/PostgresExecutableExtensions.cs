using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AspireRouter.AppHost.Infrastructure;

/// <summary>
/// Adds PostgreSQL as an executable resource: <c>scripts/run-postgres.sh</c> initialises the data directory on first run,
/// drops root to the <c>postgres</c> user and stops the server with a fast shutdown; databases are created when the
/// server is ready; health checks run <c>SELECT 1</c>.
/// </summary>
internal static class PostgresExecutableExtensions
{
    public static IResourceBuilder<PostgresExecutableResource> AddPostgresExecutable(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var binDirectory = ExecutableLocator.FindPostgresBinDirectory();
        var bash = ExecutableLocator.Find("bash") ?? "/bin/bash";
        var script = Path.Combine(builder.AppHostDirectory, "scripts", "run-postgres.sh");

        // A new password on every run is fine: the script sets it before the server accepts connections.
        var password = ParameterResourceBuilderExtensions.CreateGeneratedParameter(
            builder, $"{name}-password", secret: true, new GenerateParameterDefault { MinLength = 22, Special = false });

        var server = new PostgresExecutableResource(name, bash, builder.AppHostDirectory, password);

        string? connectionString = null;
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet."))
                + ";Database=postgres",
            name: healthCheckKey);

        return builder.AddResource(server)
            .WithEndpoint(name: PostgresExecutableResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(script)
            .WithEnvironment("PG_BIN", binDirectory)
            .WithEnvironment("PGDATA", dataDirectory)
            .WithEnvironment("PGPORT", server.PrimaryEndpoint.Property(EndpointProperty.TargetPort))
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .OnConnectionStringAvailable(async (resource, _, ct) =>
                connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false))
            .OnResourceReady(async (resource, _, ct) =>
            {
                await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
                await connection.OpenAsync(ct).ConfigureAwait(false);
                foreach (var databaseName in resource.Databases.Values)
                {
                    await CreateDatabaseIfMissingAsync(connection, databaseName, ct).ConfigureAwait(false);
                }
            });
    }

    /// <summary>
    /// Adds a database, created if missing when the server becomes ready. Aspire runs and stops a database with its server
    /// only for containers, so this one follows its executable server's readiness and stop itself.
    /// </summary>
    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresExecutableResource> server, string name, string? databaseName = null)
    {
        databaseName ??= name;
        var database = new PostgresExecutableDatabaseResource(name, databaseName, server.Resource);
        server.Resource.Databases[name] = databaseName;

        string? connectionString = null;
        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet."),
            name: healthCheckKey);

        // Runs after the server's own ready callback (subscribed first), which creates the database.
        server.OnResourceReady((_, @event, _) => PublishStateAsync(@event.Services, database, KnownResourceStates.Running));

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .OnConnectionStringAvailable(async (resource, _, ct) =>
                connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false))
            .OnResourceStopped((resource, @event, _) => PublishStateAsync(@event.Services, resource, KnownResourceStates.Exited));
    }

    private static Task PublishStateAsync(IServiceProvider services, IResource database, string state) =>
        services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, snapshot => snapshot with
        {
            State = state,
            StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : snapshot.StartTimeStamp,
            StopTimeStamp = state == KnownResourceStates.Running ? null : DateTime.UtcNow,
        });

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string databaseName, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", databaseName);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
        {
            return;
        }

        var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(databaseName);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
