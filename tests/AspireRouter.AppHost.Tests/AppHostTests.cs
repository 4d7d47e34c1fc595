using System.Net;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.AppHost.Tests;

[Collection(AppCollection.Name)]
public sealed class AppHostTests(AspireRouterAppFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Services = ["gateway-global", "gateway-cn", "cost-ledger", "health-probe"];
    private static readonly string[] Simulators = ["providers-global", "providers-cn"];

    [Fact]
    public async Task AppHost_RunsCleanly_EveryResourceHealthyAndAnswering()
    {
        output.WriteLine($"Every resource healthy {fixture.TimeToHealthy.TotalSeconds:F1} s after StartAsync.");

        foreach (var name in fixture.ResourceNames)
        {
            // A resource with replicas (health-probe) has no single current state: take the event of a healthy instance.
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var resource = fixture.App.ResourceNotifications.TryGetCurrentState(name, out var current)
                ? current
                : await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(name, wait.Token);
            Assert.Equal(KnownResourceStates.Running, resource.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, resource.Snapshot.HealthStatus);
        }

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(
            (await fixture.GetConnectionStringAsync("redis"))!))
        {
            var latency = await redis.GetDatabase().PingAsync();
            Assert.True(latency < TimeSpan.FromSeconds(5));
        }

        await using (var ledger = new NpgsqlConnection(await fixture.GetConnectionStringAsync("ledgerdb")))
        {
            await ledger.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT current_database()", ledger);
            Assert.Equal("ledgerdb", await query.ExecuteScalarAsync());
        }

        foreach (var name in Services.Concat(Simulators))
        {
            using var client = fixture.CreateHttpClient(name);
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name} /health answered {(int)response.StatusCode}.");
        }
    }

    [Fact]
    public void AppHost_UnderTest_RandomizesTheFixedPorts()
    {
        // 5080/5081 and 5090/5091 belong to a developer's running instance; the tests must not take them.
        Assert.NotEqual(5080, fixture.GetBaseUri("gateway-global").Port);
        Assert.NotEqual(5090, fixture.GetBaseUri("providers-global").Port);
    }
}
