using System.Net;
using System.Text.Json.Nodes;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Faults;

/// <summary>Over a real socket, as the gateway sees it: the first content chunk arrives, then the connection drops.</summary>
public sealed class MidStreamFailureTests(KestrelSimulatorFactory factory) : IClassFixture<KestrelSimulatorFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task Fault_FailMidStream_AbortsTheConnectionAfterTheFirstContentChunk()
    {
        (await _client.PutJsonAsync("/admin/faults/deepseek-r1", new JsonObject { ["failMidStream"] = true })).EnsureSuccessStatusCode();

        using var response = await _client.PostChatStreamAsync(Chat("deepseek-r1", extra: new JsonObject { ["stream"] = true }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<string>();
        var failure = await Record.ExceptionAsync(() => response.ReadEventsAsync(events));

        Assert.IsAssignableFrom<IOException>(failure);
        Assert.Equal(2, events.Count);
        Assert.Contains("\"role\":\"assistant\"", events[0], StringComparison.Ordinal);
        Assert.Contains("\"content\":\"", events[1], StringComparison.Ordinal);

        var record = await AdminPolling.WaitForRequestAsync(_client, r => r.GetProperty("model").GetString() == "deepseek-r1");
        Assert.Equal("fail-mid-stream", record.GetProperty("fault").GetString());
        Assert.Equal(200, record.GetProperty("status").GetInt32());
    }
}
