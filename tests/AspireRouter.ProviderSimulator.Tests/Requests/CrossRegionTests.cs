using System.Diagnostics;
using System.Text.Json.Nodes;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Requests;

/// <summary>Runs in real time: the model list has no model latency, so only the cross-region latency shows.</summary>
public sealed class CrossRegionTests(RealTimeSimulatorFactory factory) : IClassFixture<RealTimeSimulatorFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task CrossRegionPrefix_AddsTwoToFourHundredMilliseconds()
    {
        await _client.GetAsync("/v1/models"); // warm-up
        // The fastest of three of each: a loaded machine only ever adds time, so the minimum is the simulator's own.
        var inRegion = TimeSpan.MaxValue;
        var crossRegion = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            inRegion = Min(inRegion, await TimeAsync("/v1/models"));
            crossRegion = Min(crossRegion, await TimeAsync("/cross-region/v1/models"));
        }

        Assert.True(inRegion < TimeSpan.FromMilliseconds(150), $"in-region {inRegion.TotalMilliseconds} ms");
        Assert.InRange(crossRegion.TotalMilliseconds, 195, 1000);
    }

    [Fact]
    public async Task CrossRegionPrefix_ServesChatCompletionsAndIsRecordedAsCrossRegion()
    {
        await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0.1 });
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/cross-region" + ChatPath)
            {
                Content = new StringContent(Chat("qwen-3-8b").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Request-Id", "cross-1");

            using var response = await _client.SendAsync(request);

            response.EnsureSuccessStatusCode();
            Assert.Equal("qwen-3-8b", (await response.ReadJsonAsync()).GetProperty("model").GetString());
            var record = await AdminPolling.WaitForRequestAsync(_client, r => r.GetProperty("requestId").GetString() == "cross-1");
            Assert.True(record.GetProperty("crossRegion").GetBoolean());
        }
        finally
        {
            await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 1.0 });
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task<TimeSpan> TimeAsync(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await _client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return stopwatch.Elapsed;
    }
}
