using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using StackExchange.Redis;

namespace AspireRouter.AppHost.Tests;

[Collection(AppCollection.Name)]
public sealed class CostLedgerEndToEndTests(AspireRouterAppFixture fixture)
{
    [Fact]
    public async Task CostLedger_EventOnTheAppsStream_ArrivesInTheSpendReport()
    {
        using var client = fixture.CreateHttpClient("cost-ledger");
        using (var health = await client.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var team = $"smoke-{Guid.NewGuid():N}";
        var cost = new RequestCostRecorded
        {
            RequestId = $"smoke-{Guid.NewGuid():N}",
            OccurredAt = DateTimeOffset.UtcNow,
            Team = team,
            Category = "light",
            RequestedModel = "light",
            Model = "qwen-3-8b",
            Region = "global",
            GatewayRegion = "global",
            Outcome = "success",
            Attempts = 1,
            InputTokens = 120,
            OutputTokens = 30,
            CostUsd = 0.000123m,
        };
        await using (var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.GetConnectionStringAsync("redis"))!))
        {
            await redis.GetDatabase().StreamAddAsync(CostStream.Name, CostStream.EventField,
                JsonSerializer.Serialize(cost, CostJsonContext.Default.RequestCostRecorded));
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var report = await client.GetFromJsonAsync<JsonDocument>(
                $"/v1/spend?groupBy=team&from={DateTimeOffset.UtcNow.AddHours(-1):O}&to={DateTimeOffset.UtcNow.AddHours(1):O}".Replace("+", "%2B", StringComparison.Ordinal));
            var row = report!.RootElement.GetProperty("groups").EnumerateArray()
                .FirstOrDefault(g => g.GetProperty("key").GetString() == team);
            if (row.ValueKind == JsonValueKind.Object)
            {
                Assert.Equal(0.000123m, row.GetProperty("costUsd").GetDecimal());
                Assert.Equal(1, row.GetProperty("requests").GetInt64());
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The event did not reach the ledger within 30 s.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public void CostLedger_UnderTest_RandomizesItsFixedPort() =>
        Assert.NotEqual(5070, fixture.GetBaseUri("cost-ledger").Port);
}
