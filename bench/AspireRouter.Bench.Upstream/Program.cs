using System.Text;

// An instant OpenAI-compatible upstream for the benchmark: no latency, no token counting, a fixed answer. The
// provider simulator with a zero time scale does real work per request (tokenizing, planning), which on a 2-core
// machine would be measured as part of every proxy; this one costs as little as Kestrel allows.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var completion = Encoding.UTF8.GetBytes(
    """{"id":"chatcmpl-bench","object":"chat.completion","created":1767225600,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, nice to meet you."},"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":8,"total_tokens":22}}""");
var chunk = Encoding.UTF8.GetBytes(
    """data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767225600,"model":"bench","choices":[{"index":0,"delta":{"content":"Hello there, "},"finish_reason":null}]}""" + "\n\n");
var tail = Encoding.UTF8.GetBytes(
    """data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767225600,"model":"bench","choices":[{"index":0,"delta":{"content":"nice to meet you."},"finish_reason":"stop"}]}""" + "\n\n"
    + """data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767225600,"model":"bench","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":8,"total_tokens":22}}""" + "\n\n"
    + "data: [DONE]\n\n");

app.MapPost("/v1/chat/completions", async (HttpContext context) =>
{
    var body = await context.Request.BodyReader.ReadAtLeastAsync(64 * 1024, context.RequestAborted);
    var streamed = body.Buffer.IsSingleSegment && Streamed(body.Buffer.FirstSpan);
    context.Request.BodyReader.AdvanceTo(body.Buffer.End);
    if (!streamed)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = completion.Length;
        await context.Response.Body.WriteAsync(completion, context.RequestAborted);
        return;
    }

    context.Response.ContentType = "text/event-stream";
    context.Response.Headers.CacheControl = "no-cache";
    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
    await context.Response.Body.FlushAsync(context.RequestAborted);
    await context.Response.Body.WriteAsync(tail, context.RequestAborted);
});

// An OTLP/HTTP sink for the gateway-otel target: what a collector would receive is read, acknowledged and dropped.
foreach (var signal in (string[])["traces", "metrics", "logs"])
{
    app.MapPost($"/v1/{signal}", async (HttpContext context) =>
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/x-protobuf";
    });
}

app.Run();

// The benchmark's bodies are compact JSON, so a byte search is enough to tell a stream request.
static bool Streamed(ReadOnlySpan<byte> body) => body.IndexOf("\"stream\":true"u8) >= 0;
