using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace AspireRouter.Gateway.Tests;

/// <summary>A fake upstream for every provider: behaviour per model id, every request recorded.</summary>
public sealed class StubProvider : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _behaviours = new();

    public ConcurrentQueue<(string Model, Uri Uri, string Body, string? Authorization, string? RequestId)> Requests { get; } = new();

    public void On(string model, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> behaviour) => _behaviours[model] = behaviour;

    public void On(string model, HttpStatusCode status, string body = "{\"error\":{\"message\":\"stub\",\"type\":\"server_error\"}}", TimeSpan? retryAfter = null) =>
        On(model, (_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (retryAfter is { } delay)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
            }

            return Task.FromResult(response);
        });

    public void Hang(string model) => On(model, async (_, token) =>
    {
        await Task.Delay(Timeout.Infinite, token);
        throw new InvalidOperationException("unreachable");
    });

    public IEnumerable<string> ModelsCalled => Requests.Select(r => r.Model);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        var model = json.RootElement.GetProperty("model").GetString()!;
        Requests.Enqueue((model, request.RequestUri!, body, request.Headers.Authorization?.ToString(),
            request.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.First() : null));
        if (_behaviours.TryGetValue(model, out var behaviour))
        {
            return await behaviour(request, cancellationToken);
        }

        var stream = json.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        return stream ? StreamOf(model, "Hello", " world") : Completion(model);
    }

    public static HttpResponseMessage Completion(string model) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(
            $$$"""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from {{{model}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}""",
            Encoding.UTF8,
            "application/json"),
    };

    public static string Chunk(string model, string text) =>
        $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""" + "\n\n";

    public static HttpResponseMessage StreamOf(string model, params string[] parts) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(string.Concat(parts.Select(p => Chunk(model, p))) + "data: [DONE]\n\n", Encoding.UTF8, "text/event-stream"),
    };

    /// <summary>A stream that sends one chunk, then fails as a dropped connection would.</summary>
    public static HttpResponseMessage BrokenStream(string model) => new(HttpStatusCode.OK)
    {
        Content = new StreamContent(new FailingStream(Encoding.UTF8.GetBytes(Chunk(model, "partial")))),
    };

    private sealed class FailingStream(byte[] first) : Stream
    {
        private bool _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent)
            {
                throw new IOException("connection reset by stub");
            }

            _sent = true;
            first.CopyTo(buffer);
            return ValueTask.FromResult(first.Length);
        }
    }
}
