using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Completions;

public sealed class StreamingTests(SimulatorFactory factory) : IClassFixture<SimulatorFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task Stream_WithoutIncludeUsage_SendsRoleContentFinishAndDoneButNoUsage()
    {
        using var response = await _client.PostChatStreamAsync(Chat("glm-5", extra: new JsonObject { ["stream"] = true }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await response.ReadEventsAsync();

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.Equal("glm-5", c.GetProperty("model").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));

        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("", first.GetProperty("delta").GetProperty("content").GetString());

        var content = chunks[1..^1].Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.True(content.Count >= 5, $"expected several content chunks, got {content.Count}");
        Assert.All(content, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
        Assert.False(string.IsNullOrWhiteSpace(string.Concat(content.Select(c => c.GetProperty("delta").GetProperty("content").GetString()))));

        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Empty(last.GetProperty("delta").EnumerateObject());
    }

    [Fact]
    public async Task Stream_WithIncludeUsage_SendsUsageChunkWithNoChoicesBeforeDone()
    {
        using var response = await _client.PostChatStreamAsync(Chat("kimi-k2-5", extra: new JsonObject
        {
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["max_tokens"] = 400,
        }));

        var events = await response.ReadEventsAsync();

        Assert.Equal("[DONE]", events[^1]);
        var usageChunk = JsonDocument.Parse(events[^2]).RootElement;
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(8, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.True(usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32() > 0);
        Assert.Single(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));

        var finish = JsonDocument.Parse(events[^3]).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stream_MaxTokens_StreamsExactlyThatManyTokensAndFinishesWithLength()
    {
        using var response = await _client.PostChatStreamAsync(Chat("qwen-3-8b", extra: new JsonObject
        {
            ["stream"] = true,
            ["max_tokens"] = 10,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        }));

        var chunks = (await response.ReadEventsAsync())[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();

        var text = new StringBuilder();
        foreach (var chunk in chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0))
        {
            text.Append(chunk.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) ? c.GetString() : "");
        }

        Assert.Equal(10, text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(10, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_NTwo_InterleavesBothChoicesAndFinishesEach()
    {
        using var response = await _client.PostChatStreamAsync(Chat("qwen-3-8b", extra: new JsonObject { ["stream"] = true, ["n"] = 2 }));

        var chunks = (await response.ReadEventsAsync())[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();

        Assert.Equal([0, 1], chunks.Take(2).Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(2, chunks.Count(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task Stream_ClientCancelsMidway_ServerRecordsTheDisconnect()
    {
        await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 1.0 });
        try
        {
            using (var cancellation = new CancellationTokenSource())
            using (var response = await _client.PostChatStreamAsync(
                Chat("kimi-k2-5", extra: new JsonObject { ["stream"] = true }), cancellation.Token, requestId: "cancelled-stream"))
            using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation.Token)))
            {
                Assert.StartsWith("data: ", await reader.ReadLineAsync(cancellation.Token), StringComparison.Ordinal);
                await cancellation.CancelAsync();
            }

            var record = await AdminPolling.WaitForRequestAsync(_client, r => r.GetProperty("requestId").GetString() == "cancelled-stream");
            Assert.Equal(499, record.GetProperty("status").GetInt32());
            Assert.True(record.GetProperty("stream").GetBoolean());
        }
        finally
        {
            await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0.01 });
        }
    }
}
