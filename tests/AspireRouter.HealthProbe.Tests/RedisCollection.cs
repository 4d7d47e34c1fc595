namespace AspireRouter.HealthProbe.Tests;

/// <summary>The tests sharing one <see cref="RedisServerFixture"/>; xunit wants the definition in this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
