using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Auth;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Auth;

/// <summary>
/// Virtual keys against a real Redis with two gateway instances: 401/403 in OpenAI's shape, revocation seen by both
/// instances within seconds, and RPM/TPM limits held across them with <c>x-ratelimit-*</c> headers.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ApiKeyGatewayTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly List<GatewayFactory> _gateways = [];
    private ConnectionMultiplexer _redis = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        var database = redis.Server.NextDatabase();
        _redis = await redis.Server.ConnectAsync(database);
        _a = Gateway(database);
        _b = Gateway(database);
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    private HttpClient Gateway(int database) => Factory(database).CreateClient();

    private GatewayFactory Factory(int database)
    {
        var gateway = new GatewayFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = redis.Server.ConnectionString(database),
            ["Gateway:Auth:AllowAnonymous"] = "false",
            ["Gateway:Auth:RefreshInterval"] = "00:00:00.500",
            ["Gateway:Auth:DevelopmentKey"] = "local-dev",
            // The limiter fails open past this; a fresh instance's first script call on a loaded CI machine can take
            // longer than the 500 ms default, and these tests are about the limits, not about failing open.
            ["Gateway:Auth:RedisTimeout"] = "00:00:10",
        });
        _gateways.Add(gateway);
        return gateway;
    }

    private async Task<string> IssueAsync(ApiKeyRecord record)
    {
        var secret = ApiKeySecrets.New();
        await PublishAsync(secret, record);
        return secret;
    }

    private async Task PublishAsync(string secret, ApiKeyRecord record)
    {
        var hash = ApiKeySecrets.Hash(secret);
        await _redis.GetDatabase().HashSetAsync(RedisKeys.ApiKeys, hash, JsonSerializer.Serialize(record, ApiKeyJsonContext.Default.ApiKeyRecord));
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.ApiKeyChanges), hash);
    }

    private static ApiKeyRecord Key(string id, string team = "search", string[]? categories = null, string? residency = null, int? rpm = null, int? tpm = null) =>
        new(id, team, categories ?? [], residency, rpm, tpm);

    private static Task<HttpResponseMessage> Send(HttpClient client, string? secret, string model = "light", string header = "Authorization", string? residency = null, int maxTokens = 16)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + secret : secret);
        }

        if (residency is not null)
        {
            request.Headers.Add("X-AspireRouter-Residency", residency);
        }

        return client.SendAsync(request);
    }

    private static async Task<string> ErrorCode(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.True(error.TryGetProperty("message", out _) && error.TryGetProperty("type", out _) && error.TryGetProperty("param", out _));
        return error.GetProperty("code").GetString()!;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task MissingKey_Is401()
    {
        using var response = await Send(_a, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", await ErrorCode(response));
    }

    [Fact]
    public async Task UnknownKey_Is401_AndTheSecretIsNotEchoed()
    {
        // Until its Redis connection is up a gateway cannot check an unknown key (503 auth_unavailable): wait for it.
        var known = await IssueAsync(Key("key_known"));
        await Eventually.TrueAsync(async () => (await Send(_a, known)).StatusCode == HttpStatusCode.OK, "the gateway checks keys", TimeSpan.FromSeconds(10));
        var secret = ApiKeySecrets.New();
        using var response = await Send(_a, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("invalid_api_key", await ErrorCode(response));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("api-key")]
    [InlineData("x-api-key")]
    public async Task ValidKey_InAnyHeader_IsServed(string header)
    {
        var secret = await IssueAsync(Key("key_hdr"));

        using var response = await Send(_a, secret, header: header);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DevelopmentKey_IsServed_WithoutAnyKeyInRedis()
    {
        using var response = await Send(_a, "local-dev", model: "reasoning");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CategoryNotAllowed_Is403_IncludingAutosPick()
    {
        var secret = await IssueAsync(Key("key_cat", categories: ["light"]));

        using var allowed = await Send(_a, secret, model: "light");
        using var refused = await Send(_a, secret, model: "reasoning");
        using var direct = await Send(_a, secret, model: "qwen-3-8b");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("category_not_allowed", await ErrorCode(refused));
        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
    }

    [Fact]
    public async Task ResidencyKey_AskingForAnotherResidency_Is403()
    {
        var secret = await IssueAsync(Key("key_cn", residency: "cn"));

        using var refused = await Send(_a, secret, residency: "global");
        using var same = await Send(_a, secret, residency: "cn");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("residency_not_allowed", await ErrorCode(refused));
        Assert.NotEqual(HttpStatusCode.Forbidden, same.StatusCode);
    }

    [Fact]
    public async Task ResidencyKey_WithoutTheHeader_IsResidentInItsRegion()
    {
        var secret = await IssueAsync(Key("key_cn_only", residency: "cn"));

        using var response = await Send(_a, secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cn", Header(response, "X-AspireRouter-Region"));
        Assert.Equal("cn", Header(response, "X-AspireRouter-Residency"));
    }

    [Fact]
    public async Task KeyBudget_IsReservedAndSettledApartFromTheTeam_AndAnExhaustedKeyIs429()
    {
        var roomy = await IssueAsync(Key("key_budget_roomy", team: "budgets") with { DailyBudgetUsd = 10m });
        var tiny = await IssueAsync(Key("key_budget_tiny", team: "budgets") with { MonthlyBudgetUsd = 0.0000001m });

        using var served = await Send(_a, roomy);
        using var refused = await Send(_b, tiny);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("budget_exceeded", await ErrorCode(refused));
        Assert.Contains("key_budget_tiny", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(refused.Headers.Contains("Retry-After"));

        // The served request's cost is settled into the key's own day, and nothing stays reserved.
        var day = RedisKeys.BudgetDay("key:key_budget_roomy", DateOnly.FromDateTime(DateTime.UtcNow));
        var fields = await _redis.GetDatabase().HashGetAllAsync(day);
        Assert.Contains(fields, f => f.Name == "spent" && (long)f.Value > 0);
        Assert.DoesNotContain(fields, f => f.Name.ToString().StartsWith("r:", StringComparison.Ordinal));
        Assert.False(await _redis.GetDatabase().KeyExistsAsync(RedisKeys.BudgetDay("budgets", DateOnly.FromDateTime(DateTime.UtcNow))));
    }

    [Fact]
    public async Task Revocation_IsSeenByBothInstances_WithinSeconds()
    {
        var secret = await IssueAsync(Key("key_rev"));
        using (var first = await Send(_a, secret))
        using (var second = await Send(_b, secret))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        var stores = _gateways.Select(g => g.Services.GetRequiredService<ApiKeyStore>()).ToList();
        await Eventually.TrueAsync(() => stores.All(s => s.Holds(secret)), "both instances to hold the key in their copy", TimeSpan.FromSeconds(10));
        await PublishAsync(secret, Key("key_rev") with { RevokedAt = DateTimeOffset.UtcNow });

        var revokedOn = new HashSet<HttpClient>();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var client in new[] { _a, _b })
            {
                using var response = await Send(client, secret);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    revokedOn.Add(client);
                }
            }

            return revokedOn.Count == 2;
        }, "both instances to refuse the revoked key", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RequestsPerMinute_AreSharedAcrossInstances_With429AndHeaders()
    {
        var secret = await IssueAsync(Key("key_rpm", rpm: 3));

        using var one = await Send(_a, secret);
        using var two = await Send(_b, secret);
        using var three = await Send(_a, secret);
        using var four = await Send(_b, secret);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { one.StatusCode, two.StatusCode, three.StatusCode });
        Assert.Equal("3", Header(one, "x-ratelimit-limit-requests"));
        Assert.Equal("2", Header(one, "x-ratelimit-remaining-requests"));
        Assert.Equal("0", Header(three, "x-ratelimit-remaining-requests"));
        Assert.EndsWith("s", Header(one, "x-ratelimit-reset-requests"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, four.StatusCode);
        Assert.Equal("rate_limit_exceeded", await ErrorCode(four));
        Assert.InRange(int.Parse(Header(four, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }

    [Fact]
    public async Task TokensPerMinute_ChargeThePromptAndMaxTokens_AcrossInstances_ThenTheRealUsage()
    {
        var database = redis.Server.NextDatabase();
        var holding = Factory(database);
        var released = new TaskCompletionSource();
        var sent = new TaskCompletionSource();
        holding.Stub.On("qwen-3-8b", async (_, token) =>
        {
            sent.TrySetResult();
            await released.Task.WaitAsync(token);
            return StubProvider.Completion("qwen-3-8b"); // usage: 5 prompt + 4 completion tokens
        });
        var other = Factory(database).CreateClient();
        var secret = ApiKeySecrets.New();
        var record = Key("key_tpm", tpm: 1000);
        await (await redis.Server.ConnectAsync(database)).GetDatabase().HashSetAsync(
            RedisKeys.ApiKeys, ApiKeySecrets.Hash(secret), JsonSerializer.Serialize(record, ApiKeyJsonContext.Default.ApiKeyRecord));

        // While the first request runs it holds its estimate (prompt + max_tokens): a second one of the same size does not fit.
        var first = Send(holding.CreateClient(), secret, maxTokens: 600);
        await sent.Task.WaitAsync(TimeSpan.FromSeconds(10)); // admitted and charged: it reached the provider
        using var second = await Eventually.ValueAsync(
            () => Send(other, secret, maxTokens: 600),
            response => response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable),
            "the second instance checking the key against Redis",
            TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("rate_limit_exceeded", await ErrorCode(second));

        released.SetResult();
        using var answered = await first;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("1000", Header(answered, "x-ratelimit-limit-tokens"));
        Assert.InRange(int.Parse(Header(answered, "x-ratelimit-remaining-tokens"), System.Globalization.CultureInfo.InvariantCulture), 300, 399);

        // Once it is done its charge is its real usage (9 tokens): the same request fits again.
        using var third = await Send(other, secret, maxTokens: 600);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }
}
