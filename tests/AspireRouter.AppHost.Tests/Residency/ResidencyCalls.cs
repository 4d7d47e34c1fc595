using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AspireRouter.AppHost.Tests.Residency;

/// <summary>Requests with or without a residency header, and what the simulators logged of them.</summary>
internal static class ResidencyCalls
{
    public const string ResidencyHeader = "X-AspireRouter-Residency";

    public static async Task<HttpResponseMessage> PostAsync(HttpClient gateway, string model, string requestId, string? residency, bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":16,"messages":[{"role":"user","content":"Say something short."}]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Request-Id", requestId);
        if (residency is not null)
        {
            request.Headers.Add(ResidencyHeader, residency);
        }

        return await gateway.SendAsync(request);
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    /// <summary>The gateway's own id for the request: what it sends upstream as X-Request-Id and the simulators log.</summary>
    public static string MintedId(HttpResponseMessage response)
    {
        var id = Header(response, "X-AspireRouter-Request-Id");
        Assert.False(string.IsNullOrEmpty(id), "The response has no X-AspireRouter-Request-Id.");
        return id;
    }

    public static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetProperty("code").GetString();
    }

    /// <summary>The simulator's recent calls: (request id the gateway sent, cross-region) of each.</summary>
    public static async Task<List<(string? RequestId, bool CrossRegion)>> LoggedAsync(HttpClient simulator)
    {
        var log = await simulator.GetFromJsonAsync<JsonElement>("/admin/requests?limit=10000");
        return [.. log.EnumerateArray().Select(r => (
            r.TryGetProperty("requestId", out var id) ? id.GetString() : null,
            r.GetProperty("crossRegion").GetBoolean()))];
    }

    /// <summary>Every model of <paramref name="simulator"/> answers 503 until <see cref="RestoreAsync"/>.</summary>
    public static async Task FailEveryModelAsync(HttpClient simulator) =>
        (await simulator.PutAsJsonAsync("/admin/faults/*", new { errorRate = 1.0, status = 503 })).EnsureSuccessStatusCode();

    public static async Task RestoreAsync(HttpClient simulator) =>
        (await simulator.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();
}
