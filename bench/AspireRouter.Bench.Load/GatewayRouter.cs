using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AspireRouter.Bench.Load;

/// <summary>
/// The gateway as the brownout drives it: a category as the model, the answer read to its last byte (a stream to
/// its <c>data: [DONE]</c>), its attempts and panic mode read from the gateway's response headers.
/// </summary>
public sealed class GatewayRouter(HttpMessageInvoker client, Uri endpoint) : IBrownoutRouter
{
    public const string AttemptsHeader = "X-AspireRouter-Attempts";
    public const string PanicHeader = "X-AspireRouter-Panic";

    public string Name => "gateway";

    public async Task<BrownoutOutcome> SendAsync(BrownoutRequest request, TimeSpan startedAt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new ByteArrayContent(Body(request)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer bench-key");
            using var response = await client.SendAsync(message, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var attempts = Header(response, AttemptsHeader) is { } value && int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : 0;
            var panic = string.Equals(Header(response, PanicHeader), "true", StringComparison.OrdinalIgnoreCase);
            var complete = !request.Stream || body.AsSpan().IndexOf("data: [DONE]"u8) >= 0;
            var failure = !response.IsSuccessStatusCode ? Invariant($"{(int)response.StatusCode} {ErrorCode(body)}")
                : !complete ? "stream ended without [DONE]"
                : null;
            var route = Header(response, "X-AspireRouter-Model") is { } model ? $"{model}@{Header(response, "X-AspireRouter-Region")}" : null;
            return new BrownoutOutcome(request.Category, startedAt, failure is null, ms, attempts, panic, failure, route, Header(response, "X-AspireRouter-Route-Reason"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new BrownoutOutcome(request.Category, startedAt, false, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, Failure: ex.GetType().Name);
        }
    }

    /// <summary>The chat completions body with the category as its model.</summary>
    public static byte[] Body(BrownoutRequest request)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", request.Category);
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteString("content", request.Prompt);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNumber("max_tokens", BrownoutRequest.MaxTokens);
            if (request.Stream)
            {
                json.WriteBoolean("stream", true);
            }

            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>The <c>error.code</c> of an OpenAI error body (else its <c>error.type</c>), or <c>?</c>.</summary>
    public static string ErrorCode(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                foreach (var name in (ReadOnlySpan<string>)["code", "type"])
                {
                    if (error.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return "?";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
