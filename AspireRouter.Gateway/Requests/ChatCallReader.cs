using System.Text.Unicode;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// The parse stage: reads the body (capped, within the body deadline), checks it is UTF-8, parses it once, and reads
/// the attribution it will be charged to. The first problem is the request's error; a client that left while sending
/// its body gets nothing (<see cref="Read.ClientGone"/>).
/// </summary>
public static class ChatCallReader
{
    /// <summary>The parsed call, or the error to answer with, or neither when the client is gone.</summary>
    public sealed record Read(ChatCall? Call, RequestError? Error)
    {
        public bool ClientGone => Call is null && Error is null;
    }

    public static async Task<Read> ReadAsync(HttpContext context, string requestId, string? correlationId, GatewayOptions options)
    {
        var (body, readError) = await RequestBodyReader.ReadAsync(context, options.MaxRequestBodyBytes, options.BodyReadTimeout);
        if (readError is not null)
        {
            return new Read(null, readError.Status != 0 ? readError : null);
        }

        if (!Utf8.IsValid(body.Span))
        {
            return new Read(null, RequestError.Invalid("The request body is not valid UTF-8.", null, "invalid_encoding"));
        }

        var request = ChatRequestParser.Parse(body, out var parseError);
        if (request is null)
        {
            return new Read(null, parseError);
        }

        var attribution = CostAttribution.From(context.Request.Headers, request, correlationId, out var attributionError);
        return attribution is null
            ? new Read(null, attributionError)
            : new Read(new ChatCall(requestId, correlationId, request, attribution), null);
    }
}
