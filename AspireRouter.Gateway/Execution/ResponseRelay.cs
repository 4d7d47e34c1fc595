using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Writes an attempt's answer to the client: a buffered body as it came, or a stream copied chunk by chunk. Once
/// the first byte of a stream is out, an upstream failure ends the stream with an SSE error event.
/// </summary>
public static partial class ResponseRelay
{
    private static readonly byte[] StreamFailedEvent = Encoding.UTF8.GetBytes(
        "data: {\"error\":{\"message\":\"The provider's stream failed after it had started.\",\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_stream_failed\"}}\n\n");

    public static async Task RelayAsync(HttpContext context, UpstreamAttempt attempt, TimeSpan stallTimeout, ILogger logger)
    {
        var response = context.Response;
        response.StatusCode = (int)attempt.Status!.Value;
        response.ContentType = attempt.ContentType ?? "application/json";

        if (attempt.OpenStream is null)
        {
            var body = attempt.Body ?? [];
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        try
        {
            await response.Body.WriteAsync(attempt.FirstChunk, aborted);
            await response.Body.FlushAsync(aborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var buffer = new byte[16 * 1024];
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        while (true)
        {
            int read;
            try
            {
                stall.CancelAfter(stallTimeout);
                read = await attempt.OpenStream.ReadAsync(buffer, stall.Token);
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested && ex is OperationCanceledException or IOException or HttpRequestException)
            {
                LogStreamFailed(logger, attempt.Candidate.Model.Id, ex is OperationCanceledException ? "stalled" : "broken");
                await TryWriteAsync(response, StreamFailedEvent, aborted);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            if (!await TryWriteAsync(response, buffer.AsMemory(0, read), aborted))
            {
                return;
            }
        }
    }

    private static async Task<bool> TryWriteAsync(HttpResponse response, ReadOnlyMemory<byte> data, CancellationToken aborted)
    {
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
