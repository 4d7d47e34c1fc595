using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Access;

/// <summary>Spend reports are scoped: the admin key sees every team, a team's key only its own, no key nothing.</summary>
[Collection(LedgerCollection.Name)]
public sealed class SpendScopeTests(LedgerInfrastructure infrastructure)
{
    private const string AdminKey = "scope-admin-key-0123456789";
    private const string Range = "from=2026-01-01&to=2027-01-01";

    [Fact]
    public async Task Reports_AdminSeesAll_TeamKeySeesOnlyItsTeam_OthersAreRefused()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Admin:Key"] = AdminKey,
            ["Admin:AllowAnonymousReports"] = "false",
        });
        await harness.PublishManyAsync([
            CostEvents.Make(team: "search", cost: 0.25m, at: new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)),
            CostEvents.Make(team: "search", cost: 0.50m, at: new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero)),
            CostEvents.Make(team: "ads", cost: 2m, at: new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)),
        ]);
        var client = harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 3, "3 rows");

        using var admin = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/keys") { Content = JsonContent.Create(new { team = "search", name = "search reports" }) };
        admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await client.SendAsync(admin);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var createdJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var searchKey = createdJson.RootElement.GetProperty("secret").GetString()!;
        var searchKeyId = createdJson.RootElement.GetProperty("key").GetProperty("id").GetString()!;

        // The admin key: every team, or the one it asks for.
        var all = await GetAsync(client, AdminKey, $"/v1/spend?groupBy=team&{Range}");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(["ads", "search"], Teams(all.Json).Order());
        Assert.Equal(["ads"], Teams((await GetAsync(client, AdminKey, $"/v1/spend?groupBy=team&team=ads&{Range}")).Json));

        // A team key: only its own team, whatever the grouping; its total is its own spend.
        var own = await GetAsync(client, searchKey, $"/v1/spend?groupBy=team&{Range}");
        Assert.Equal(["search"], Teams(own.Json));
        Assert.Equal(0.75m, own.Json.RootElement.GetProperty("total").GetProperty("costUsd").GetDecimal());
        var byDay = await GetAsync(client, searchKey, $"/v1/spend?groupBy=day&{Range}");
        Assert.Equal(0.75m, byDay.Json.RootElement.GetProperty("total").GetProperty("costUsd").GetDecimal());
        var savings = await GetAsync(client, searchKey, $"/v1/spend/savings?{Range}");
        Assert.Equal(0.75m, savings.Json.RootElement.GetProperty("actualCostUsd").GetDecimal());
        var csv = await SendAsync(client, searchKey, $"/v1/spend.csv?groupBy=team&{Range}");
        var csvText = await csv.Content.ReadAsStringAsync();
        Assert.Contains("search,", csvText, StringComparison.Ordinal);
        Assert.DoesNotContain("ads,", csvText, StringComparison.Ordinal);

        // Asking for another team is a 403; no key, a wrong key or a revoked key a 401, all in OpenAI's error shape.
        await AssertErrorAsync(client, searchKey, $"/v1/spend?groupBy=team&team=ads&{Range}", HttpStatusCode.Forbidden, "team_not_allowed");
        await AssertErrorAsync(client, null, $"/v1/spend?groupBy=team&{Range}", HttpStatusCode.Unauthorized, "invalid_api_key");
        await AssertErrorAsync(client, "ar-not-a-real-key", $"/v1/spend.csv?{Range}", HttpStatusCode.Unauthorized, "invalid_api_key");
        await AssertErrorAsync(client, null, "/v1/budgets", HttpStatusCode.Unauthorized, "invalid_api_key");

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/v1/admin/keys/{searchKeyId}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(revoke)).StatusCode);
        await AssertErrorAsync(client, searchKey, $"/v1/spend?{Range}", HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string? key, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, JsonDocument Json)> GetAsync(HttpClient client, string key, string url)
    {
        using var response = await SendAsync(client, key, url);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static async Task AssertErrorAsync(HttpClient client, string? key, string url, HttpStatusCode status, string code)
    {
        using var response = await SendAsync(client, key, url);
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.True(error.TryGetProperty("message", out _) && error.TryGetProperty("type", out _) && error.TryGetProperty("param", out _));
    }

    private static string[] Teams(JsonDocument report) =>
        [.. report.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()!)];
}
