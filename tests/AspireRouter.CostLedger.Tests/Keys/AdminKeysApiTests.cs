using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Keys;

/// <summary>Keys issued, listed and revoked through the admin API: hashed in PostgreSQL, mirrored into Redis for the gateways.</summary>
[Collection(LedgerCollection.Name)]
public sealed class AdminKeysApiTests(LedgerInfrastructure infrastructure)
{
    private const string AdminKey = "test-admin-key-0123456789";

    private Task<(LedgerHarness Harness, HttpClient Admin)> StartAsync() =>
        StartAdminAsync(infrastructure, new Dictionary<string, string> { ["Admin:KeySyncInterval"] = "00:00:00.300" });

    /// <summary>The ledger with the admin key (and <paramref name="settings"/>), its schema migrated; a client that sends the admin key.</summary>
    internal static async Task<(LedgerHarness Harness, HttpClient Admin)> StartAdminAsync(LedgerInfrastructure infrastructure, Dictionary<string, string> settings)
    {
        settings["Admin:Key"] = AdminKey;
        var harness = await LedgerHarness.CreateAsync(infrastructure, settings);
        var client = harness.StartLedger();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await LedgerHarness.EventuallyAsync(async () => (await client.GetAsync("/v1/admin/keys")).IsSuccessStatusCode, "schema migrated");
        return (harness, client);
    }

    [Fact]
    public async Task CreateListRevoke_StoresOnlyTheHash_AndMirrorsTheKeyIntoRedis()
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;

        using var created = await admin.PostAsJsonAsync("/v1/admin/keys",
            new { team = "search", name = "search prod", allowedCategories = new[] { "light", "general" }, residency = "cn", requestsPerMinute = 60, tokensPerMinute = 100000, dailyBudgetUsd = 5.5m, monthlyBudgetUsd = 100m });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var secret = json.RootElement.GetProperty("secret").GetString()!;
        var id = json.RootElement.GetProperty("key").GetProperty("id").GetString()!;
        Assert.StartsWith(ApiKeySecrets.Prefix, secret, StringComparison.Ordinal);

        var mirrored = JsonSerializer.Deserialize((string)(await harness.Redis.HashGetAsync(RedisKeys.ApiKeys, ApiKeySecrets.Hash(secret)))!, ApiKeyJsonContext.Default.ApiKeyRecord)!;
        Assert.Equal((id, "search", "cn", 60, 100000), (mirrored.Id, mirrored.Team, mirrored.Residency, mirrored.RequestsPerMinute!.Value, mirrored.TokensPerMinute!.Value));
        Assert.Equal(["light", "general"], mirrored.AllowedCategories);
        Assert.Null(mirrored.RevokedAt);
        Assert.Equal((5.5m, 100m), (mirrored.DailyBudgetUsd!.Value, mirrored.MonthlyBudgetUsd!.Value));

        var list = await admin.GetStringAsync("/v1/admin/keys?team=search");
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeySecrets.Hash(secret), list, StringComparison.Ordinal);
        Assert.Contains(secret[..10], list, StringComparison.Ordinal); // the display prefix
        Assert.DoesNotContain(id, await admin.GetStringAsync("/v1/admin/keys?team=other"), StringComparison.Ordinal);

        using var revoked = await admin.DeleteAsync($"/v1/admin/keys/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var after = JsonSerializer.Deserialize((string)(await harness.Redis.HashGetAsync(RedisKeys.ApiKeys, ApiKeySecrets.Hash(secret)))!, ApiKeyJsonContext.Default.ApiKeyRecord)!;
        Assert.NotNull(after.RevokedAt);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/v1/admin/keys/key_missing")).StatusCode);
    }

    [Fact]
    public async Task KeysFlushedFromRedis_AreMirroredAgain()
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;
        using var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "ops", name = "ops" });
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var hash = ApiKeySecrets.Hash(json.RootElement.GetProperty("secret").GetString()!);

        await harness.Redis.KeyDeleteAsync(RedisKeys.ApiKeys);

        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.HashExistsAsync(RedisKeys.ApiKeys, hash), "key mirrored again", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-admin-key")]
    public async Task AdminApi_WithoutTheAdminKey_Is401(string? authorization)
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;
        admin.DefaultRequestHeaders.Authorization = authorization is null ? null : AuthenticationHeaderValue.Parse(authorization);

        using var list = await admin.GetAsync("/v1/admin/keys");
        using var create = await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "x", name = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(0, await harness.Redis.HashLengthAsync(RedisKeys.ApiKeys));
    }

    [Theory]
    [InlineData("""{"team":"bad team","name":"n"}""", "team")]
    [InlineData("""{"team":"t","name":""}""", "name")]
    [InlineData("""{"team":"t","name":"n","residency":"mars"}""", "residency")]
    [InlineData("""{"team":"t","name":"n","requestsPerMinute":0}""", "requestsPerMinute")]
    public async Task Create_InvalidRequest_Is400(string body, string param)
    {
        var (harness, admin) = await StartAsync();
        await using var _ = harness;

        using var response = await admin.PostAsync("/v1/admin/keys", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, json.RootElement.GetProperty("error").GetProperty("param").GetString());
    }
}
