using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AspireRouter.ProviderSimulator.Tests;

/// <summary>Small helpers to talk to the simulator the way the gateway does: plain HTTP and JSON.</summary>
internal static class SimulatorClientExtensions
{
    public const string ChatPath = "/v1/chat/completions";

    /// <summary>A chat request with one user message; <paramref name="extra"/> adds or overrides fields.</summary>
    public static JsonObject Chat(string model, string prompt = "Hello", JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }

    public static Task<HttpResponseMessage> PostChatAsync(
        this HttpClient client, JsonNode body, string path = ChatPath, CancellationToken cancellationToken = default) =>
        client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Sends a streaming request and returns as soon as the headers are in.</summary>
    public static Task<HttpResponseMessage> PostChatStreamAsync(
        this HttpClient client, JsonNode body, CancellationToken cancellationToken = default, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ChatPath)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The <c>data:</c> payloads of a server-sent event stream, in order, until the stream ends.</summary>
    public static async Task<List<string>> ReadEventsAsync(this HttpResponseMessage response, List<string>? into = null)
    {
        var events = into ?? [];
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
            else
            {
                Assert.Equal("", line);
            }
        }

        return events;
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, JsonNode body) =>
        client.PutAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>The error object of an OpenAI error body.</summary>
    public static async Task<JsonElement> ReadErrorAsync(this HttpResponseMessage response) =>
        (await response.ReadJsonAsync()).GetProperty("error");
}
