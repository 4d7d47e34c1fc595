using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// Virtual keys through the running application: issued by the ledger's admin API (PostgreSQL, mirrored into Redis),
/// used by the unmodified OpenAI SDK against both gateways, charged to the key's team in the ledger, scoped spend
/// reports, and a revocation refused by both gateways within seconds.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class VirtualKeysEndToEndTests(AspireRouterAppFixture fixture)
{
    /// <summary>The admin key's local default in run mode (the AppHost's <c>admin-key</c> parameter).</summary>
    private const string AdminKey = "local-admin";

    [Fact]
    public async Task IssuedKey_ServesBothGateways_IsChargedToItsTeam_AndRevocationIsSeenByBoth()
    {
        var team = $"keys-{Guid.NewGuid():N}"[..20];
        using var ledger = fixture.CreateHttpClient("cost-ledger");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/keys")
        {
            Content = JsonContent.Create(new { team, name = "e2e", allowedCategories = new[] { "light" } }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await ledger.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var secret = json.RootElement.GetProperty("secret").GetString()!;
        var id = json.RootElement.GetProperty("key").GetProperty("id").GetString()!;

        // The OpenAI SDK with the key against both gateways; a category the key may not use is a 403.
        var global = await Client("light", secret, "gateway-global").CompleteChatAsync([new UserChatMessage("Say hi.")]);
        var cn = await Client("light", secret, "gateway-cn").CompleteChatAsync([new UserChatMessage("Say hi.")]);
        Assert.False(string.IsNullOrWhiteSpace(global.Value.Content[0].Text));
        Assert.False(string.IsNullOrWhiteSpace(cn.Value.Content[0].Text));
        var forbidden = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client("reasoning", secret, "gateway-global").CompleteChatAsync([new UserChatMessage("Think.")]));
        Assert.Equal(403, forbidden.Status);

        // Both requests reach the ledger under the key's team and id; the key reads its own team's spend only.
        await Eventually.TrueAsync(async () =>
        {
            using var report = new HttpRequestMessage(HttpMethod.Get, "/v1/spend?groupBy=team");
            report.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await ledger.SendAsync(report);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var spend = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var groups = spend.RootElement.GetProperty("groups").EnumerateArray().ToList();
            Assert.All(groups, g => Assert.Equal(team, g.GetProperty("key").GetString()));
            return groups.Count == 1 && groups[0].GetProperty("requests").GetInt64() == 2;
        }, "the keyed requests to reach the ledger under the key's team", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));

        // Revoked: both gateways refuse the key within seconds.
        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/v1/admin/keys/{id}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await ledger.SendAsync(revoke)).StatusCode);
        foreach (var gateway in new[] { "gateway-global", "gateway-cn" })
        {
            await Eventually.TrueAsync(async () => await Record.ExceptionAsync(() => Client("light", secret, gateway).CompleteChatAsync([new UserChatMessage("Again.")]))
                is ClientResultException { Status: 401 }, $"{gateway} to refuse the revoked key", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        }
    }

    private ChatClient Client(string model, string key, string gateway) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(fixture.GetBaseUri(gateway), "/v1"),
            NetworkTimeout = TimeSpan.FromSeconds(60),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0),
        });
}
