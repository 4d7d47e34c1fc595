using System.Buffers;
using System.Text;
using AspireRouter.Gateway.Costs;
using Microsoft.AspNetCore.Http.Features;
using AspireRouter.Gateway.Execution;

namespace AspireRouter.Gateway.Apis;

/// <summary>
/// Writes an attempt's answer to the client: a buffered body as it came, or a stream copied chunk by chunk. Once
/// the first byte of a stream is out, an upstream failure ends the stream with an SSE error event. A stream passes
/// through an <see cref="SseUsageTap"/>, which reads the provider's usage and drops the usage chunk the client did not ask for.
/// </summary>
public static partial class ResponseRelay
{
    private static readonly byte[] StreamFailedEvent = Encoding.UTF8.GetBytes(
        "data: {\"error\":{\"message\":\"The provider's stream failed after it had started.\",\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_stream_failed\"}}\n\n");

    /// <summary>Writes the answer; returns how a stream ended (a buffered body always <see cref="RelayEnd.Completed"/>).</summary>
    public static async Task<RelayEnd> RelayAsync(HttpContext context, UpstreamAttempt attempt, SseUsageTap? tap, TimeSpan stallTimeout, ILogger logger)
    {
        var response = context.Response;
        response.StatusCode = (int)attempt.Status!.Value;
        response.ContentType = attempt.ContentType ?? "application/json";

        if (attempt.OpenStream is null)
        {
            var body = attempt.Body ?? [];
            response.ContentLength = body.Length;
            try
            {
                await response.Body.WriteAsync(body, context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                return RelayEnd.ClientAborted;
            }

            return RelayEnd.Completed;
        }

        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        // What the tap passes on: about one read's worth of SSE events; it grows if a read brings more.
        var forward = new ArrayBufferWriter<byte>(Math.Max(1024, attempt.FirstChunk.Length));
        try
        {
            await response.Body.WriteAsync(Pass(tap, attempt.FirstChunk.Span, forward), aborted);
            await response.Body.FlushAsync(aborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return RelayEnd.ClientAborted;
        }

        // Pooled: a stream's read buffer lives only as long as this copy loop.
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            return await CopyAsync(response, attempt, tap, stallTimeout, logger, forward, buffer, aborted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<RelayEnd> CopyAsync(
        HttpResponse response, UpstreamAttempt attempt, SseUsageTap? tap, TimeSpan stallTimeout, ILogger logger,
        ArrayBufferWriter<byte> forward, byte[] buffer, CancellationToken aborted)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        while (true)
        {
            int read;
            try
            {
                stall.CancelAfter(stallTimeout);
                read = await attempt.OpenStream!.ReadAsync(buffer, stall.Token);
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested && ex is OperationCanceledException or IOException or HttpRequestException)
            {
                LogStreamFailed(logger, attempt.Candidate.Model.Id, ex is OperationCanceledException ? "stalled" : "broken");
                await TryWriteAsync(response, Flush(tap, forward), aborted);
                await TryWriteAsync(response, StreamFailedEvent, aborted);
                return RelayEnd.UpstreamFailed;
            }
            catch (OperationCanceledException)
            {
                return RelayEnd.ClientAborted;
            }

            if (read == 0)
            {
                return await TryWriteAsync(response, Flush(tap, forward), aborted) ? RelayEnd.Completed : RelayEnd.ClientAborted;
            }

            var data = Pass(tap, buffer.AsSpan(0, read), forward);
            if (!data.IsEmpty && !await TryWriteAsync(response, data, aborted))
            {
                return RelayEnd.ClientAborted;
            }
        }
    }

    /// <summary>
    /// Ends a stream with its cost as an SSE comment, <c>: aspirerouter-cost-usd=0.0000123</c>: a stream's headers leave
    /// before its usage exists, and SSE parsers (OpenAI's SDKs among them) skip comment lines.
    /// </summary>
    public static async Task WriteCostCommentAsync(HttpContext context, decimal costUsd) =>
        await TryWriteAsync(context.Response, Encoding.UTF8.GetBytes($"{CostCommentPrefix}{CostAccountant.FormatUsd(costUsd)}\n\n"), context.RequestAborted);

    /// <summary>The start of the comment line that carries a stream's cost.</summary>
    public const string CostCommentPrefix = ": aspirerouter-cost-usd=";

    /// <summary>The bytes to send for <paramref name="chunk"/>: as read, or the whole events the tap lets through.</summary>
    private static ReadOnlyMemory<byte> Pass(SseUsageTap? tap, ReadOnlySpan<byte> chunk, ArrayBufferWriter<byte> forward)
    {
        forward.ResetWrittenCount();
        if (tap is null)
        {
            forward.Write(chunk);
        }
        else
        {
            tap.Process(chunk, forward);
        }

        return forward.WrittenMemory;
    }

    private static ReadOnlyMemory<byte> Flush(SseUsageTap? tap, ArrayBufferWriter<byte> forward)
    {
        forward.ResetWrittenCount();
        tap?.Flush(forward);
        return forward.WrittenMemory;
    }

    private static async Task<bool> TryWriteAsync(HttpResponse response, ReadOnlyMemory<byte> data, CancellationToken aborted)
    {
        if (data.IsEmpty)
        {
            return true;
        }

        try
        {
            await response.Body.WriteAsync(data, aborted);
            await response.Body.FlushAsync(aborted);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    [LoggerMessage(2101, LogLevel.Warning, "Stream from {Model} {Failure} after its first byte; ended the client's stream with an error event.")]
    private static partial void LogStreamFailed(ILogger logger, string model, string failure);
}

/// <summary>How a relayed answer ended.</summary>
public enum RelayEnd
{
    Completed,
    UpstreamFailed,
    ClientAborted,
}
