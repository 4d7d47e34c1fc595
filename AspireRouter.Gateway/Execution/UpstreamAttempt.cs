using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// One call to one candidate. For a success the response is held open (a stream's first chunk already read) so the
/// caller can still choose another candidate until it writes the first byte to the client.
/// </summary>
public sealed class UpstreamAttempt : IAsyncDisposable
{
    /// <summary>Largest non-streaming response body buffered from a provider.</summary>
    private const int MaxBufferedBody = 16 * 1024 * 1024;

    private UpstreamAttempt(Candidate candidate) => Candidate = candidate;

    public Candidate Candidate { get; }
    public AttemptOutcome Outcome { get; private set; }
    public HttpStatusCode? Status { get; private set; }
    public string? ContentType { get; private set; }
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Short description of the failure, safe to show to clients (no keys, no prompt text).</summary>
    public string? Failure { get; private set; }

    /// <summary>Non-streaming (or error) body, fully read.</summary>
    public byte[]? Body { get; private set; }

    /// <summary>For a streaming success: the bytes already read and the open upstream stream.</summary>
    public ReadOnlyMemory<byte> FirstChunk { get; private set; }
    public Stream? OpenStream { get; private set; }

    private HttpResponseMessage? _response;
    private byte[]? _firstChunkBuffer;

    public static async Task<UpstreamAttempt> RunAsync(
        HttpMessageInvoker client,
        Candidate candidate,
        byte[] body,
        bool stream,
        string requestId,
        TimeProvider time,
        CancellationToken attemptToken,
        CancellationToken clientAborted)
    {
        var attempt = new UpstreamAttempt(candidate);
        using var message = new HttpRequestMessage(HttpMethod.Post, ChatCompletionsUri(candidate))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } },
        };
        if (!string.IsNullOrEmpty(candidate.Endpoint.ApiKey))
        {
            message.Headers.TryAddWithoutValidation("Authorization", BearerOf(candidate));
        }

        message.Headers.TryAddWithoutValidation("X-Request-Id", requestId);
        message.Headers.Accept.Add(stream ? EventStream : Json);

        try
        {
            var response = await client.SendAsync(message, attemptToken); // headers read; the body is read below
            attempt._response = response;
            attempt.Status = response.StatusCode;
            attempt.ContentType = response.Content.Headers.ContentType?.ToString();
            if (!response.IsSuccessStatusCode)
            {
                attempt.Body = SecretRedaction.Redact(await ReadBoundedAsync(response, attemptToken), candidate.Endpoint.ApiKey);
                attempt.RetryAfter = RetryPolicy.RetryAfter(response, time.GetUtcNow());
                attempt.Outcome = response.StatusCode == HttpStatusCode.TooManyRequests ? AttemptOutcome.RateLimited
                    : RetryPolicy.IsRetryable(response.StatusCode) ? AttemptOutcome.Retryable
                    : AttemptOutcome.ClientError;
                attempt.Failure = RetryPolicy.IsProviderKeyRejected(response.StatusCode)
                    ? $"HTTP {(int)response.StatusCode}, the provider refused the gateway's key"
                    : $"HTTP {(int)response.StatusCode}";
                return attempt;
            }

            if (stream)
            {
                var upstream = await response.Content.ReadAsStreamAsync(attemptToken);
                // Pooled: returned when the attempt is disposed, after the relay has written the first chunk.
                var buffer = attempt._firstChunkBuffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                var read = await upstream.ReadAsync(buffer, attemptToken);
                if (read == 0)
                {
                    attempt.Outcome = AttemptOutcome.Retryable;
                    attempt.Failure = "stream ended before its first byte";
                    return attempt;
                }

                attempt.FirstChunk = buffer.AsMemory(0, read);
                attempt.OpenStream = upstream;
            }
            else
            {
                attempt.Body = await ReadBoundedAsync(response, attemptToken);
            }

            attempt.Outcome = AttemptOutcome.Success;
            return attempt;
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            attempt.Outcome = AttemptOutcome.ClientAborted;
            attempt.Failure = "client disconnected";
            return attempt;
        }
        catch (OperationCanceledException)
        {
            attempt.Outcome = AttemptOutcome.DeadlineExceeded;
            attempt.Failure = "timed out";
            return attempt;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException)
        {
            attempt.Outcome = AttemptOutcome.Retryable;
            attempt.Failure = ex is HttpRequestException { HttpRequestError: var kind } && kind != HttpRequestError.Unknown
                ? $"connection error ({kind})"
                : "connection error";
            return attempt;
        }
    }

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    /// <summary>Each endpoint's completions URI, built once per registry <see cref="Uri"/> (entries go with their registry).</summary>
    private static readonly ConditionalWeakTable<Uri, Uri> CompletionsUris = [];

    /// <summary>Each endpoint's <c>Authorization</c> value, built once per registry endpoint (it goes with its registry).</summary>
    private static readonly ConditionalWeakTable<AspireRouter.Contracts.Registry.ProviderEndpoint, string> Bearers = [];

    private static string BearerOf(Candidate candidate) =>
        Bearers.GetValue(candidate.Endpoint, static endpoint => "Bearer " + endpoint.ApiKey);

    private static Uri ChatCompletionsUri(Candidate candidate) =>
        CompletionsUris.GetValue(candidate.Endpoint.BaseUrl, static baseUrl => new Uri(baseUrl.OriginalString.TrimEnd('/') + "/chat/completions"));

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken token)
    {
        if (response.Content.Headers.ContentLength is > MaxBufferedBody)
        {
            throw new InvalidDataException("provider response too large");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(token);
        if (response.Content.Headers.ContentLength is { } length)
        {
            // The usual case: read straight into a body of the announced size (a short body throws EndOfStreamException).
            var exact = new byte[length];
            await stream.ReadExactlyAsync(exact, token);
            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, token)) > 0)
        {
            if (buffer.Length + read > MaxBufferedBody)
            {
                throw new InvalidDataException("provider response too large");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>How long the attempt took (to its whole answer, or to a stream's first byte); set by the runner.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>
    /// The attempt's client span, still open: it ends when the request is recorded (a stream's at its last byte), with
    /// the answer's usage and cost on it; null when nobody listens.
    /// </summary>
    public Activity? Span { get; internal set; }

    /// <summary>Stopwatch timestamp of the attempt's start, for the operation's duration.</summary>
    public long StartedAt { get; internal set; }

    /// <summary>True when the attempt timed out against the client's own deadline (not counted against the provider).</summary>
    public bool ClientDeadline { get; private set; }

    /// <summary>Marks a timeout as the client's own deadline's doing.</summary>
    internal void MarkClientDeadline()
    {
        ClientDeadline = true;
        Failure = "timed out (the client's deadline)";
    }

    /// <summary>Marks an attempt cancelled because its hedged twin won.</summary>
    internal void MarkSuperseded()
    {
        Outcome = AttemptOutcome.Superseded;
        Failure = "cancelled: its hedge answered first";
    }

    public async ValueTask DisposeAsync()
    {
        // Normally stopped by the record stage already; Stop is a no-op then.
        Span?.Stop();
        if (OpenStream is not null)
        {
            await OpenStream.DisposeAsync();
        }

        _response?.Dispose();
        if (_firstChunkBuffer is { } buffer)
        {
            _firstChunkBuffer = null;
            FirstChunk = default;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
