using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// Routing rules against the running application: breakers shared by both gateways through Redis, the deadline under
/// a hanging model, and a stream that breaks after its first byte. Each test uses models no other test asserts on.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RoutingEndToEndTests(AspireRouterAppFixture fixture)
{
    private static StringContent Chat(string model, bool stream = false) =>
        new($$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say something short."}]}""", Encoding.UTF8, "application/json");

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient gateway, string model, string? requestId = null, int? timeoutMs = null, bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Chat(model, stream) };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        if (timeoutMs is { } ms)
        {
            request.Headers.Add("X-AspireRouter-Timeout-Ms", ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return await gateway.SendAsync(request);
    }

    private static readonly string[] Fallbacks = ["kimi-k2-5", "qwen-3-32b"];

    [Fact]
    public async Task Breaker_OpenedByOneGateway_IsHonouredByTheOther_AndRecoveryIsSeenByBoth()
    {
        using var simulatorCn = fixture.CreateHttpClient("providers-cn");
        using var global = fixture.CreateHttpClient("gateway-global");
        using var cn = fixture.CreateHttpClient("gateway-cn");
        (await simulatorCn.PutAsJsonAsync("/admin/time-scale", new { scale = 0.1 })).EnsureSuccessStatusCode();
        (await simulatorCn.PutAsJsonAsync("/admin/faults/glm-5", new { errorRate = 1.0, status = 503 })).EnsureSuccessStatusCode();
        try
        {
            // regional-cn: glm-5@cn first on both gateways. Its failures through gateway-global open its breaker; the
            // request is served by the next model (kimi-k2-5, or qwen-3-32b when kimi's live p99 is over the budget).
            for (var i = 0; i < 5; i++)
            {
                var response = await PostAsync(global, "regional-cn");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains(Header(response, "X-AspireRouter-Model"), Fallbacks);
            }

            // gateway-cn learns it from Redis within its sync period and skips glm-5 without calling it.
            var skippedIds = new List<(string Id, string Model)>();
            await Eventually.TrueAsync(async () =>
            {
                var id = $"breaker-cn-{Guid.NewGuid():N}";
                var response = await PostAsync(cn, "regional-cn", id);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                if (Header(response, "X-AspireRouter-Attempts") == "1" && Header(response, "X-AspireRouter-Fallback") == "true")
                {
                    // The simulator logs the gateway's own id (sent upstream as X-Request-Id), not the client's.
                    skippedIds.Add((Header(response, "X-AspireRouter-Request-Id"), Header(response, "X-AspireRouter-Model")));
                }

                return skippedIds.Count == 3;
            }, "gateway-cn to skip glm-5 three times (the open breaker seen through Redis)", TimeSpan.FromSeconds(10), TimeSpan.Zero);

            var log = await simulatorCn.GetFromJsonAsync<JsonElement>("/admin/requests?limit=500");
            var calls = log.EnumerateArray()
                .Select(r => (Model: r.GetProperty("model").GetString(), Id: r.TryGetProperty("requestId", out var rid) ? rid.GetString() : null))
                .ToList();
            Assert.Empty(calls.Where(c => c.Model == "glm-5").Select(c => c.Id).Intersect(skippedIds.Select(s => s.Id)));
            Assert.All(skippedIds, skipped => Assert.Contains(calls, c => c.Model == skipped.Model && c.Id == skipped.Id));
        }
        finally
        {
            (await simulatorCn.DeleteAsync("/admin/faults/glm-5")).EnsureSuccessStatusCode();
        }

        try
        {
            // After the open period (30 s) trial requests succeed and the breaker closes for both gateways.
            var recovered = new HashSet<string>();
            await Eventually.TrueAsync(async () =>
            {
                foreach (var (name, gateway) in new[] { ("global", global), ("cn", cn) })
                {
                    var response = await PostAsync(gateway, "regional-cn");
                    if (Header(response, "X-AspireRouter-Model") == "glm-5" && Header(response, "X-AspireRouter-Fallback") == "false")
                    {
                        recovered.Add(name);
                    }
                }

                return recovered.Count == 2;
            }, "the breaker to close for both gateways after the model's recovery", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        }
        finally
        {
            (await simulatorCn.PutAsJsonAsync("/admin/time-scale", new { scale = 1.0 })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Deadline_IsRespected_WhenTheModelHangs()
    {
        using var simulator = fixture.CreateHttpClient("providers-global");
        using var gateway = fixture.CreateHttpClient("gateway-global");
        (await simulator.PutAsJsonAsync("/admin/faults/qwen-3-5-397b", new { hang = true })).EnsureSuccessStatusCode();
        try
        {
            var clock = Stopwatch.StartNew();
            var response = await PostAsync(gateway, "qwen-3-5-397b", timeoutMs: 1_500);

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("deadline_exceeded", await response.Content.ReadAsStringAsync());
            // The margin covers scheduling on a loaded 2-core machine; the gateway itself stops at the deadline.
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(4.5));
        }
        finally
        {
            (await simulator.DeleteAsync("/admin/faults/qwen-3-5-397b")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Stream_BrokenAfterItsFirstByte_EndsWithAnErrorEvent()
    {
        using var simulator = fixture.CreateHttpClient("providers-global");
        using var gateway = fixture.CreateHttpClient("gateway-global");
        (await simulator.PutAsJsonAsync("/admin/faults/deepseek-r1", new { failMidStream = true })).EnsureSuccessStatusCode();
        try
        {
            var response = await PostAsync(gateway, "deepseek-r1", stream: true);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("chat.completion.chunk", body);
            Assert.Contains("upstream_stream_failed", body);
            Assert.DoesNotContain("[DONE]", body);
        }
        finally
        {
            (await simulator.DeleteAsync("/admin/faults/deepseek-r1")).EnsureSuccessStatusCode();
        }
    }
}
