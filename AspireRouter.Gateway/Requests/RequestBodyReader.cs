using Microsoft.AspNetCore.Http.Features;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Reads a request body up to a cap and within a deadline: a larger body is a 413, one that trickles in slower than the
/// deadline (slow-loris) is a 408, a client that disconnects is dropped quietly.
/// </summary>
public static class RequestBodyReader
{
    /// <summary>Returns the body, or an error. An error with status 0 means the client is gone: write nothing.</summary>
    public static async Task<(ReadOnlyMemory<byte> Body, RequestError? Error)> ReadAsync(HttpContext context, int maxBytes, TimeSpan timeout)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        // The usual case: a body of known length that arrived with its headers is taken as it is, with no deadline
        // to arm and nothing to wait for.
        try
        {
            if (request.ContentLength is { } known and > 0 && request.BodyReader.TryRead(out var ready))
            {
                if (ready.Buffer.Length == known)
                {
                    var whole = System.Buffers.BuffersExtensions.ToArray(ready.Buffer);
                    request.BodyReader.AdvanceTo(ready.Buffer.End);
                    return (whole, null);
                }

                request.BodyReader.AdvanceTo(ready.Buffer.Start);
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (default, Unreadable(ex, maxBytes));
        }

        var buffer = new byte[request.ContentLength is { } length and > 0 ? (int)length : 4096];
        var total = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length >= maxBytes)
                    {
                        // One more byte would pass the cap: probe for it.
                        var probe = new byte[1];
                        if (await request.Body.ReadAsync(probe, deadline.Token) > 0)
                        {
                            return (default, TooLarge(maxBytes));
                        }

                        break;
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(total), deadline.Token);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (default, Unreadable(ex, maxBytes));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            return (default, new RequestError(StatusCodes.Status408RequestTimeout,
                $"The request body did not arrive within {timeout.TotalSeconds:0.#} s.", "invalid_request_error", null, "request_timeout"));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return (default, new RequestError(0, "", "", null, null));
        }

        if (total == 0)
        {
            return (default, RequestError.Invalid("The request body is empty; send a JSON object.", null, "empty_body"));
        }

        return (buffer.AsMemory(0, total), null);
    }

    private static RequestError Unreadable(BadHttpRequestException ex, int maxBytes) =>
        ex.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? TooLarge(maxBytes)
            : new RequestError(ex.StatusCode, "The request body could not be read.", "invalid_request_error", null, "bad_request_body");

    private static RequestError TooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {maxBytes} bytes.", "invalid_request_error", null, "request_too_large");
}
