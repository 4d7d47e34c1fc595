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
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (_, ct) =>
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
            await connection.OpenAsync(ct).ConfigureAwait(false);
            foreach (var databaseName in server.Databases.Values)
            {
                await CreateDatabaseIfMissingAsync(connection, databaseName, ct).ConfigureAwait(false);
            }
        });

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
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Adds a database that is created, if missing, when the server becomes ready.</summary>
    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresExecutableResource> server, string name, string? databaseName = null)
    {
        databaseName ??= name;
        var database = new PostgresExecutableDatabaseResource(name, databaseName, server.Resource);
        server.Resource.Databases[name] = databaseName;

        string? connectionString = null;
        server.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet."),
            name: healthCheckKey);

        return server.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }

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
