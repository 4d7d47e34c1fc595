using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// Every request billed exactly once, across gateway, Redis and ledger: a client's reused <c>X-Request-Id</c> is not a
/// key, hostile attribution is refused at the edge, and a poison event on the stream stops nobody's billing.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class LedgerIntegrityEndToEndTests(AspireRouterAppFixture fixture, ITestOutputHelper output)
{
    private const string MintedHeader = "X-AspireRouter-Request-Id";
    private static readonly TimeSpan LedgerTimeout = TimeSpan.FromSeconds(60);

    private static string Team(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient gateway, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await gateway.SendAsync(request);
    }

    private static string Chat(string model = "light", string? user = null) =>
        $$"""{"model":{{JsonSerializer.Serialize(model)}},"max_tokens":16,"messages":[{"role":"user","content":"Say something short."}]{{(user is null ? "" : ",\"user\":" + JsonSerializer.Serialize(user))}}}""";

    private sealed record Row(string RequestId, string? CorrelationId, string? User);

    private async Task<List<Row>> RowsAsync(string team)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("ledgerdb"));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT request_id, correlation_id, \"user\" FROM cost_entries WHERE team = @team", connection);
        query.Parameters.AddWithValue("team", team);
        var rows = new List<Row>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    private async Task<long> CountAsync(string team)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("ledgerdb"));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM cost_entries WHERE team = @team", connection);
        query.Parameters.AddWithValue("team", team);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task FiveRequestsWithOneClientRequestId_AreFiveLedgerRows_KeyedByTheGatewaysIds()
    {
        var team = Team("ids");
        var correlation = $"client-{Guid.NewGuid():N}";
        using var gateway = fixture.CreateHttpClient("gateway-global");
        var minted = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await PostAsync(gateway, Chat(), ("X-Request-Id", correlation), ("X-AspireRouter-Team", team));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(correlation, Header(response, "X-Request-Id"));
            minted.Add(Header(response, MintedHeader));
        }

        // Positive signal: five rows. Before the fix the ledger kept one (the client's id was the key).
        await Eventually.TrueAsync(async () => await CountAsync(team) >= 5, $"five ledger rows of team {team}", LedgerTimeout);
        var rows = await RowsAsync(team);
        Assert.Equal(minted.Order(), rows.Select(r => r.RequestId).Order());
        Assert.All(rows, r => Assert.Equal(correlation, r.CorrelationId));
    }

    [Fact]
    public async Task HostileAttribution_IsRefusedOrKeptWhole_AndTheNextRequestIsStillBilled()
    {
        var team = Team("nul");
        using var gateway = fixture.CreateHttpClient("gateway-global");

        using var nulUser = await PostAsync(gateway, Chat(user: "evil\u0000user"), ("X-AspireRouter-Team", team));
        using var nulModel = await PostAsync(gateway, Chat(model: "light\u0000x"), ("X-AspireRouter-Team", team), ("X-AspireRouter-Category", "light"));
        using var tooLongUser = await PostAsync(gateway, Chat(user: new string('u', 300)), ("X-AspireRouter-Team", team));
        var longUser = new string('w', 200);
        using var longUserOk = await PostAsync(gateway, Chat(user: longUser), ("X-AspireRouter-Team", team));
        using var normal = await PostAsync(gateway, Chat(user: "plain"), ("X-AspireRouter-Team", team));
        output.WriteLine($"NUL user {(int)nulUser.StatusCode}, NUL model {(int)nulModel.StatusCode}, 300-char user {(int)tooLongUser.StatusCode}, " +
                         $"200-char user {(int)longUserOk.StatusCode}, normal {(int)normal.StatusCode}");

        // The normal request after the hostile ones is billed: the ledger did not stop.
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        var normalId = Header(normal, MintedHeader);
        await Eventually.TrueAsync(async () => (await RowsAsync(team)).Any(r => r.RequestId == normalId), "the normal request's row", LedgerTimeout);

        await AssertRefusedAsync(nulUser, "user");
        await AssertRefusedAsync(nulModel, "model");
        await AssertRefusedAsync(tooLongUser, "user");
        Assert.Equal(HttpStatusCode.OK, longUserOk.StatusCode);
        var rows = await RowsAsync(team);
        Assert.Equal(longUser, Assert.Single(rows, r => r.RequestId == Header(longUserOk, MintedHeader)).User);
        Assert.Equal(2, rows.Count);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string param)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task PoisonEventsOnTheStream_AreDeadLetteredAlone_TheOthersOfTheirBatchAreWritten()
    {
        var team = Team("poison");
        var good = Enumerable.Range(0, 12).Select(i => Event(team, $"{team}-ok-{i}")).ToList();
        List<RequestCostRecorded> poison =
        [
            Event(team, $"{team}-nul-user") with { User = "evil\u0000user" },
            Event(team, $"{team}-nul-model") with { RequestedModel = "light\u0000x" },
            Event(team, $"{team}-long-user") with { User = new string('u', 300) },
        ];

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.GetConnectionStringAsync("redis"))!);
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var adds = new[] { poison[0] }.Concat(good[..6]).Append(poison[1]).Concat(good[6..]).Append(poison[2])
            .Select(e => batch.StreamAddAsync(CostStream.Name, CostStream.EventField, JsonSerializer.Serialize(e, CostJsonContext.Default.RequestCostRecorded)))
            .ToList();
        batch.Execute();
        await Task.WhenAll(adds);

        await Eventually.TrueAsync(async () => await CountAsync(team) == good.Count, $"the {good.Count} good events of team {team} written", LedgerTimeout);
        Assert.Equal(good.Select(g => g.RequestId).Order(), (await RowsAsync(team)).Select(r => r.RequestId).Order());

        // The dead letters, with their reasons, through the ledger's admin API.
        using var ledger = fixture.CreateHttpClient("cost-ledger");
        ledger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Gateways.GatewayAuthExtensions.LocalAdminKey);
        var listed = await Eventually.ValueAsync(
            async () =>
            {
                using var json = JsonDocument.Parse(await ledger.GetStringAsync("/v1/admin/dead-letters?count=1000"));
                return json.RootElement.GetProperty("deadLetters").EnumerateArray()
                    .Where(d => d.GetProperty("requestId").GetString()?.StartsWith(team, StringComparison.Ordinal) == true)
                    .Select(d => (RequestId: d.GetProperty("requestId").GetString()!, Reason: d.GetProperty("reason").GetString()!))
                    .ToList();
            },
            l => l.Count == poison.Count, "three dead letters listed", LedgerTimeout);
        Assert.Equal(poison.Select(p => p.RequestId).Order(), listed.Select(l => l.RequestId).Order());
        Assert.Contains(listed, l => l.RequestId.EndsWith("-nul-user", StringComparison.Ordinal) && l.Reason.Contains("user", StringComparison.Ordinal));
        Assert.Contains(listed, l => l.RequestId.EndsWith("-nul-model", StringComparison.Ordinal) && l.Reason.Contains("requestedModel", StringComparison.Ordinal));

        // The dashboard's commands reach the same API with the admin key: listing, and a replay (the poison comes back
        // as dead letters again, since nothing was fixed; the rows written stay one per request).
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var replica = (await fixture.InstancesOfAsync("cost-ledger"))[0]; // the dashboard runs it on the replica it is clicked on
        var list = await commands.ExecuteCommandAsync(replica, "list-dead-letters");
        Assert.True(list.Success, list.Message);
        var replay = await commands.ExecuteCommandAsync(replica, "replay-dead-letters");
        Assert.True(replay.Success, replay.Message);

        // Ingestion keeps going, and the ledger says so.
        await db.StreamAddAsync(CostStream.Name, CostStream.EventField, JsonSerializer.Serialize(Event(team, $"{team}-after"), CostJsonContext.Default.RequestCostRecorded));
        await Eventually.TrueAsync(async () => await CountAsync(team) == good.Count + 1, "an event after the poison written", LedgerTimeout);
        using var health = await ledger.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static RequestCostRecorded Event(string team, string requestId) => CostLedgerEndToEndTests.Event(team, requestId, 0.00001m);
}
