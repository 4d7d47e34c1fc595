using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Tests.Infrastructure;
using AspireRouter.CostLedger.Tests.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace AspireRouter.CostLedger.Tests.DeadLetters;

/// <summary>Dead letters are bounded (length and age), listed with their reasons, and replayed after a fix.</summary>
[Collection(LedgerCollection.Name)]
public sealed class DeadLetterTests(LedgerInfrastructure infrastructure)
{
    private const string AdminKey = "test-admin-key-dead-letters";

    private static RequestCostRecorded Poison(int i) => CostEvents.Make(requestId: $"poison-{i}", user: "nul\u0000" + i);

    private async Task<(LedgerHarness Harness, HttpClient Admin)> StartAsync(Dictionary<string, string>? settings = null)
    {
        settings ??= [];
        settings["Admin:Key"] = AdminKey;
        var harness = await LedgerHarness.CreateAsync(infrastructure, settings);
        var client = harness.StartLedger();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await harness.PublishAsync(CostEvents.Make());
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "the schema migrated and a first row");
        return (harness, client);
    }

    [Fact]
    public async Task DeadLetters_PastMaxLength_OldestAreTrimmed()
    {
        var (harness, _) = await StartAsync(new() { ["DeadLetters:MaxLength"] = "3" });
        await using var _ = harness;

        for (var i = 0; i < 5; i++)
        {
            await harness.PublishAsync(Poison(i));
        }

        await LedgerHarness.EventuallyAsync(async () => await harness.PendingAsync() == 0
            && (await harness.Redis.StreamGroupInfoAsync(CostStream.Name))[0].Lag == 0, "every poison event consumed");
        var kept = await harness.Redis.StreamRangeAsync(CostStream.DeadLetter);
        Assert.Equal(["poison-2", "poison-3", "poison-4"], kept.Select(d => d["request_id"].ToString()));
    }

    [Fact]
    public async Task DeadLetters_PastRetention_AreTrimmed()
    {
        var (harness, _) = await StartAsync(new() { ["DeadLetters:Retention"] = "00:00:01" });
        await using var _ = harness;

        await harness.PublishAsync(Poison(0));
        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.DeadLetter) == 1, "a dead letter");
        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.DeadLetter) == 0, "the dead letter trimmed after 1 s");
    }

    [Fact]
    public async Task DeadLetter_OfAHugeEntry_IsKeptCut_AndListedAsNotReplayable()
    {
        var (harness, admin) = await StartAsync(new() { ["DeadLetters:MaxEventLength"] = "1000" });
        await using var _ = harness;

        await harness.PublishRawAsync("{\"requestId\":\"" + new string('x', 50_000) + "\"}");
        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.DeadLetter) == 1, "a dead letter");

        var dead = Assert.Single(await harness.Redis.StreamRangeAsync(CostStream.DeadLetter));
        Assert.Equal(1000, dead["event"].ToString().Length);
        Assert.Equal("1", dead["truncated"].ToString());
        using var list = JsonDocument.Parse(await admin.GetStringAsync("/v1/admin/dead-letters"));
        Assert.False(list.RootElement.GetProperty("deadLetters")[0].GetProperty("replayable").GetBoolean());
        using var replay = JsonDocument.Parse(await (await admin.PostAsync("/v1/admin/dead-letters/replay", null)).Content.ReadAsStringAsync());
        Assert.Equal((0, 1), (replay.RootElement.GetProperty("replayed").GetInt32(), replay.RootElement.GetProperty("skipped").GetInt32()));
        Assert.Equal(1, await harness.Redis.StreamLengthAsync(CostStream.DeadLetter));
    }

    [Fact]
    public async Task DeadLetters_AreListedWithReasons_AndReplayedAfterTheFix()
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;

        // The database refuses team 'blocked' (the defect); the events are dead-lettered, the others written.
        await harness.ExecuteAsync(PoisonIsolationTests.RefuseTeamTrigger);
        var blocked = Enumerable.Range(0, 3).Select(_ => CostEvents.Make(team: "blocked", cost: 0.5m)).ToList();
        await harness.PublishManyAsync([CostEvents.Make(), .. blocked, CostEvents.Make()]);
        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.DeadLetter) == 3, "three dead letters");
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 3, "the other two events written");

        using (var list = JsonDocument.Parse(await admin.GetStringAsync("/v1/admin/dead-letters?count=10")))
        {
            Assert.Equal(3, list.RootElement.GetProperty("total").GetInt64());
            var letters = list.RootElement.GetProperty("deadLetters").EnumerateArray().ToList();
            Assert.Equal(blocked.Select(b => b.RequestId).Order(), letters.Select(l => l.GetProperty("requestId").GetString()).Order());
            Assert.All(letters, l => Assert.Contains("22023", l.GetProperty("reason").GetString(), StringComparison.Ordinal));
            Assert.All(letters, l => Assert.True(l.GetProperty("replayable").GetBoolean()));
            Assert.DoesNotContain("\"event\"", list.RootElement.GetRawText(), StringComparison.Ordinal);
        }

        // The fix, then a replay of one named entry, then of the rest.
        await harness.ExecuteAsync("DROP TRIGGER refuse_blocked_team ON cost_entries");
        var first = (await harness.Redis.StreamRangeAsync(CostStream.DeadLetter))[0];
        using (var one = JsonDocument.Parse(await (await admin.PostAsync($"/v1/admin/dead-letters/replay?ids={first.Id},1-0", null)).Content.ReadAsStringAsync()))
        {
            Assert.Equal((1, 0, 1), (one.RootElement.GetProperty("replayed").GetInt32(), one.RootElement.GetProperty("skipped").GetInt32(), one.RootElement.GetProperty("missing").GetInt32()));
        }

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 4, "the replayed event written");
        using (var rest = JsonDocument.Parse(await (await admin.PostAsync("/v1/admin/dead-letters/replay", null)).Content.ReadAsStringAsync()))
        {
            Assert.Equal(2, rest.RootElement.GetProperty("replayed").GetInt32());
        }

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 6 && await harness.PendingAsync() == 0, "every replayed event written");
        Assert.Equal(0, await harness.Redis.StreamLengthAsync(CostStream.DeadLetter));
        await using var db = harness.CreateDbContext();
        Assert.Equal(1.5m, await db.CostEntries.Where(e => e.Team == "blocked").SumAsync(e => e.CostUsd));

        // A replay of the same events again changes nothing: the ledger is idempotent by request id.
        await harness.PublishManyAsync(blocked);
        await LedgerHarness.EventuallyAsync(async () => await harness.PendingAsync() == 0
            && (await harness.Redis.StreamGroupInfoAsync(CostStream.Name))[0].Lag == 0, "the duplicates consumed");
        Assert.Equal(6, await harness.CountRowsAsync());
    }

    [Theory]
    [InlineData("GET", "/v1/admin/dead-letters")]
    [InlineData("POST", "/v1/admin/dead-letters/replay")]
    public async Task DeadLettersApi_WithoutTheAdminKey_Is401(string method, string path)
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-admin-key");

        using var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_api_key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/admin/dead-letters/replay?ids=not-an-id", "ids")]
    [InlineData("/v1/admin/dead-letters/replay?count=0", "count")]
    public async Task Replay_BadArguments_Is400NamingThem(string path, string param)
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;

        using var response = await admin.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, json.RootElement.GetProperty("error").GetProperty("param").GetString());
    }
}
