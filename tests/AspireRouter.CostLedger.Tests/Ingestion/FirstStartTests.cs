using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>
/// A fresh deployment: ledger replicas that start together on an empty database migrate it once, one at a time, and log
/// no error on the way (no health check failing before the schema exists, no query of a table not created yet); a
/// request that needs the database meanwhile waits for the schema.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class FirstStartTests(LedgerInfrastructure infrastructure)
{
    private const string AdminKey = "first-start-admin-key-0123456789";

    [Fact]
    public async Task TwoReplicas_StartingTogetherOnAnEmptyDatabase_BothComeUp_AndLogNoError()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string> { ["Admin:Key"] = AdminKey });
        var logs = new ListLoggerProvider();
        await using var first = harness.CreateReplica(logs: logs);
        await using var second = harness.CreateReplica(logs: logs);

        // Both hosts start at once, and /health is asked while they migrate, as Container Apps' probes would.
        var clients = await Task.WhenAll(Task.Run(first.CreateClient), Task.Run(second.CreateClient));

        // The first key, asked for at once: held until the schema exists, never a 500 from a missing table.
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/keys") { Content = JsonContent.Create(new { team = "platform", name = "first" }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await clients[1].SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        foreach (var client in clients)
        {
            await Eventually.TrueAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() == "Healthy";
            }, "/health Healthy on both replicas", TimeSpan.FromSeconds(30));
        }

        await using var db = harness.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(2, logs.Entries.Count(e => e.Id.Id == 5001)); // "Ledger database migrated." once per replica
        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }
}
