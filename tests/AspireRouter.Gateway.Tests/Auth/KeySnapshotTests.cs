using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Auth;

/// <summary>
/// Keys survive a Redis flush or restart: the gateway keeps its last good key snapshot when Redis comes back without
/// the keys (the ledger mirrors them again), still honours a revocation, and answers 503, never 401, for a key it
/// cannot check.
/// </summary>
public sealed class KeySnapshotTests : IAsyncLifetime
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;
    private GatewayFactory _gateway = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await _server.ConnectAsync(0);
        _gateway = new GatewayFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = _server.ConnectionString(0),
            ["Gateway:Auth:AllowAnonymous"] = "false",
            ["Gateway:Auth:RefreshInterval"] = "00:00:00.100",
            ["Gateway:Auth:RedisTimeout"] = "00:00:00.500",
        });
        _factory = _gateway.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddFakeLogging()));
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<string> IssueAsync(string id, DateTimeOffset? revokedAt = null, string? secret = null)
    {
        secret ??= ApiKeySecrets.New();
        var hash = ApiKeySecrets.Hash(secret);
        var record = new ApiKeyRecord(id, "search", [], null, null, null, revokedAt);
        await _redis.GetDatabase().HashSetAsync(RedisKeys.ApiKeys, hash, JsonSerializer.Serialize(record, ApiKeyJsonContext.Default.ApiKeyRecord));
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.ApiKeyChanges), hash);
        return secret;
    }

    private async Task<(HttpStatusCode Status, string? Code)> SendAsync(string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {secret}");
        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var code = response.IsSuccessStatusCode ? null : JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();
        return (response.StatusCode, code);
    }

    /// <summary>Sends with <paramref name="secret"/> until <paramref name="until"/> holds; every answer meanwhile must be a 200.</summary>
    private async Task KeepsWorkingUntilAsync(string secret, Func<Task<bool>> until, string what)
    {
        var answers = new List<(HttpStatusCode, string?)>();
        await Eventually.TrueAsync(async () =>
        {
            answers.Add(await SendAsync(secret));
            return await until();
        }, what, TimeSpan.FromSeconds(10));
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, (string?)null), a));
    }

    private bool Logged(int eventId) =>
        _factory.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Any(r => r.Id.Id == eventId);

    [Fact]
    public async Task RedisFlushed_CachedKeysKeepWorking_WithoutA401()
    {
        var secret = await IssueAsync("key_flush");
        await Eventually.TrueAsync(async () => (await SendAsync(secret)).Status == HttpStatusCode.OK, "the key works", TimeSpan.FromSeconds(10));

        await _redis.GetDatabase().ExecuteAsync("FLUSHDB");

        // The positive signal: a refresh found the keys hash missing and kept the snapshot (event 4303).
        await KeepsWorkingUntilAsync(secret, () => Task.FromResult(Logged(4303)), "a refresh that found no keys in Redis");
        Assert.Equal((HttpStatusCode.OK, null), await SendAsync(secret));
    }

    [Fact]
    public async Task RedisFlushed_ThenAKeyRevoked_TheRevocationIsHonoured_AndTheOtherKeysKept()
    {
        var kept = await IssueAsync("key_kept");
        var revoked = await IssueAsync("key_revoked");
        await Eventually.TrueAsync(async () => (await SendAsync(kept)).Status == HttpStatusCode.OK && (await SendAsync(revoked)).Status == HttpStatusCode.OK,
            "both keys work", TimeSpan.FromSeconds(10));

        await _redis.GetDatabase().ExecuteAsync("FLUSHDB");
        // The ledger revokes by writing the record with its revocation time (never by deleting it): only that is in Redis now.
        await IssueAsync("key_revoked", DateTimeOffset.UtcNow, revoked);

        await KeepsWorkingUntilAsync(kept, async () => (await SendAsync(revoked)).Status == HttpStatusCode.Unauthorized, "the revoked key refused");
        Assert.Equal((HttpStatusCode.OK, null), await SendAsync(kept));
    }

    [Fact]
    public async Task RedisLostItsKeys_AnUnknownKeyIs503NotA401_UntilTheKeysAreBack()
    {
        var known = await IssueAsync("key_known");
        await Eventually.TrueAsync(async () => (await SendAsync(known)).Status == HttpStatusCode.OK, "the key works", TimeSpan.FromSeconds(10));

        await _server.StopAsync();
        await _server.RestartAsync(); // empty, as a Redis without persistence comes back
        var issuedMeanwhile = ApiKeySecrets.New(); // e.g. issued just before the restart, not yet in this gateway's snapshot

        // The cached key works throughout; once this gateway has read the empty Redis, a key it cannot check is a 503.
        await KeepsWorkingUntilAsync(known, () => Task.FromResult(Logged(4303)), "a refresh that found no keys in the new Redis");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "auth_unavailable"), await SendAsync(issuedMeanwhile));
        Assert.Equal((HttpStatusCode.OK, null), await SendAsync(known));

        // Once the keys are back (the ledger mirrors them), an unknown key is a plain 401 again.
        await IssueAsync("key_known", secret: known);
        await Eventually.TrueAsync(async () => await SendAsync(issuedMeanwhile) == (HttpStatusCode.Unauthorized, "invalid_api_key"),
            "an unknown key is 401 once the keys are back", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RedisHangs_AnUnknownKeyIs503_ACachedKeyWorks()
    {
        var known = await IssueAsync("key_cached");
        await Eventually.TrueAsync(async () => (await SendAsync(known)).Status == HttpStatusCode.OK, "the key works", TimeSpan.FromSeconds(10));

        _server.Freeze();
        try
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "auth_unavailable"), await SendAsync(ApiKeySecrets.New()));
            Assert.Equal((HttpStatusCode.OK, null), await SendAsync(known));
        }
        finally
        {
            _server.Thaw();
        }
    }
}
