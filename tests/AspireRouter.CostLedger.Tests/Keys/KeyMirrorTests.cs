using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Keys;

/// <summary>
/// Keys survive a Redis flush or restart: the ledger mirrors them again as soon as it sees a Redis without them (a new
/// <c>run_id</c>, or fewer keys than it mirrored), not at its next periodic sync (30 s by default, kept here).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class KeyMirrorTests(LedgerInfrastructure infrastructure)
{
    /// <summary>Within about a second of Redis answering without them; generous for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(3);

    private Task<(LedgerHarness Harness, HttpClient Admin)> StartAsync(string? redis = null) =>
        AdminKeysApiTests.StartAdminAsync(infrastructure, redis is null ? [] : new Dictionary<string, string> { ["ConnectionStrings:redis"] = redis });

    private static async Task<string> IssueAsync(HttpClient admin, string team)
    {
        using var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { team, name = team });
        created.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return ApiKeySecrets.Hash(json.RootElement.GetProperty("secret").GetString()!);
    }

    [Fact]
    public async Task RedisFlushed_KeysAreMirroredAgainWithinASecond()
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;
        var hashes = new[] { await IssueAsync(admin, "alpha"), await IssueAsync(admin, "beta") };

        await harness.Redis.ExecuteAsync("FLUSHDB");
        var flushed = Stopwatch.StartNew();

        await Eventually.TrueAsync(async () => await harness.Redis.HashLengthAsync(RedisKeys.ApiKeys) == 2, "both keys mirrored again", Soon, TimeSpan.FromMilliseconds(20));
        Assert.All(hashes, hash => Assert.True(harness.Redis.HashExists(RedisKeys.ApiKeys, hash)));
        Assert.True(flushed.Elapsed < Soon, $"{flushed.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task SomeKeysLost_TheLedgerMirrorsThemAgain()
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;
        var lost = await IssueAsync(admin, "alpha");
        await IssueAsync(admin, "beta");

        await harness.Redis.HashDeleteAsync(RedisKeys.ApiKeys, lost);

        await Eventually.TrueAsync(() => harness.Redis.HashExistsAsync(RedisKeys.ApiKeys, lost), "the lost key mirrored again", Soon, TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task RedisRestarted_KeysAreMirroredAgainWithinASecondOfItAnswering()
    {
        await using var server = await RedisServer.StartAsync();
        var (harness, admin) = await StartAsync(server.ConnectionString(0));
        await using var _ = harness;
        var hash = await IssueAsync(admin, "alpha");

        await server.StopAsync();
        await server.RestartAsync(); // empty: no persistence
        var restarted = Stopwatch.StartNew();
        await using var redis = await server.ConnectAsync(0);

        await Eventually.TrueAsync(() => redis.GetDatabase().HashExistsAsync(RedisKeys.ApiKeys, hash), "the key mirrored into the new Redis", Soon, TimeSpan.FromMilliseconds(20));
        Assert.True(restarted.Elapsed < Soon, $"{restarted.ElapsedMilliseconds} ms");
    }
}
