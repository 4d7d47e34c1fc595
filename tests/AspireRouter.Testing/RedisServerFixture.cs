namespace AspireRouter.Testing;

/// <summary>
/// One <see cref="RedisServer"/> for every test of a collection; killed when the collection ends. xunit finds collection
/// definitions only in the test assembly itself, so each test project declares its own (a class with
/// <c>[CollectionDefinition]</c> implementing <c>ICollectionFixture&lt;RedisServerFixture&gt;</c>).
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
