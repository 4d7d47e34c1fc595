using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>Provider answers with chosen usage, and the events a gateway spooled.</summary>
internal static class CostTestKit
{
    public static string UsageJson(long prompt, long completion, long cached = 0, long reasoning = 0) =>
        $$$"""{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}},"prompt_tokens_details":{"cached_tokens":{{{cached}}}},"completion_tokens_details":{"reasoning_tokens":{{{reasoning}}}}}""";

    public static HttpResponseMessage Completion(string model, long prompt, long completion, long cached = 0, long reasoning = 0) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(
            $$"""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{{UsageJson(prompt, completion, cached, reasoning)}}}""",
            Encoding.UTF8, "application/json"),
    };

    public static string UsageChunk(string model, long prompt, long completion) =>
        $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[],"usage":{{UsageJson(prompt, completion)}}}""" + "\n\n";

    /// <summary>A stream that sends its usage chunk only when the request asked for it, as OpenAI-compatible providers do.</summary>
    public static HttpResponseMessage StreamHonouringIncludeUsage(string model, string requestBody, long prompt, long completion)
    {
        using var json = JsonDocument.Parse(requestBody);
        var include = json.RootElement.TryGetProperty("stream_options", out var options)
            && options.TryGetProperty("include_usage", out var flag) && flag.ValueKind == JsonValueKind.True;
        var body = StubProvider.Chunk(model, "Hello") + StubProvider.Chunk(model, " world")
            + (include ? UsageChunk(model, prompt, completion) : "") + "data: [DONE]\n\n";
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") };
    }

    /// <summary>Waits until the spool of <paramref name="directory"/> holds <paramref name="count"/> events; returns them.</summary>
    public static Task<List<RequestCostRecorded>> SpooledAsync(string directory, int count, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => Task.FromResult(ReadSpool(directory)), events => events.Count >= count,
            $"{count} events in the spool", timeout ?? TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(25));

    public static List<RequestCostRecorded> ReadSpool(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var events = new List<RequestCostRecorded>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0 && line.EndsWith('}'))
                {
                    events.Add(JsonSerializer.Deserialize(line, CostJsonContext.Default.RequestCostRecorded)!);
                }
            }
        }

        return events;
    }
}
