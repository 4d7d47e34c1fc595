namespace AspireRouter.CostLedger.Tests.Infrastructure;

/// <summary>One redis-server and one PostgreSQL for every test of the <c>ledger</c> collection; each test takes a Redis database and a PostgreSQL database of its own.</summary>
public sealed class LedgerInfrastructure : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var redis = RedisServer.StartAsync();
        var postgres = PostgresServer.StartAsync();
        Redis = await redis;
        Postgres = await postgres;
    }

    public async Task DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerInfrastructure>
{
    public const string Name = "ledger";
}
