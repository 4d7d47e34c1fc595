using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// The console in the whole application: linked from the dashboard, served by the ledger, and showing a request's
/// spend and the routing state the gateways and the probe write (the ledger reads the same latency window).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ConsoleEndToEndTests(AspireRouterAppFixture fixture)
{
    [Fact]
    public async Task Console_LinkedFromTheDashboard_ShowsOwnTrafficsSpendAndRouting()
    {
        var ledgerResource = await fixture.App.ResourceNotifications.WaitForResourceAsync("cost-ledger",
            e => e.Snapshot.Urls.Any(u => u.Url.EndsWith("/console/", StringComparison.Ordinal)));
        var link = ledgerResource.Snapshot.Urls.First(u => u.Url.EndsWith("/console/", StringComparison.Ordinal));
        Assert.Equal(fixture.GetBaseUri("cost-ledger").Port, new Uri(link.Url).Port);

        var ledger = fixture.CreateHttpClient("cost-ledger");
        using var page = await ledger.GetAsync(new Uri("/console/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("console.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var team = $"console-{Guid.NewGuid():N}"[..24];
        var gateway = fixture.CreateHttpClient("gateway-global");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "light", messages = new[] { new { role = "user", content = "Say hello." } } }),
        };
        request.Headers.Add("X-AspireRouter-Team", team);
        using var answer = await gateway.SendAsync(request);
        answer.EnsureSuccessStatusCode();
        var model = answer.Headers.GetValues("X-AspireRouter-Model").Single();

        // The request's spend in the series the console charts (run mode: reports answer without a key).
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"));
        await Eventually.TrueAsync(async () =>
        {
            using var series = await ledger.GetFromJsonAsync<JsonDocument>($"/v1/spend/series?groupBy=team&interval=hour&from={from}");
            return series!.RootElement.GetProperty("series").EnumerateArray().Any(s => s.GetProperty("key").GetString() == team);
        }, "the request in the ledger's spend series", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));

        // The routed model's latency and its last probe, read from the Redis state the gateways and the probe share.
        await Eventually.TrueAsync(async () =>
        {
            using var routing = await ledger.GetFromJsonAsync<JsonDocument>("/v1/routing");
            return routing!.RootElement.GetProperty("models").EnumerateArray().Any(m =>
                m.GetProperty("model").GetString() == model && m.GetProperty("region").GetString() == "global"
                && m.GetProperty("samples").GetInt64() > 0 && m.GetProperty("p95Ms").ValueKind == JsonValueKind.Number
                && m.GetProperty("lastProbe").ValueKind == JsonValueKind.String);
        }, $"{model}@global's latency and last probe in /v1/routing", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
    }
}
