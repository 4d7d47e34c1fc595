using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Request ids. Every request gets an id minted here (<c>req_</c> + a UUIDv7: unique, time-ordered), which keys its
/// ledger row and budget reservation and goes upstream. The client's <c>X-Request-Id</c> is only a correlation id:
/// echoed and stored, never trusted to be unique.
/// </summary>
public static class RequestIds
{
    /// <summary>The header a client correlates with; what it names is <see cref="CostFields.CorrelationId"/>.</summary>
    public const string CorrelationHeader = "X-Request-Id";

    public static string Mint() => "req_" + Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// The client's correlation id (null when it sent none), or a 400 naming the header when it breaks
    /// <see cref="CostFields.CorrelationId"/>: an id that could not be stored or logged as sent is refused, not altered.
    /// </summary>
    public static bool TryReadCorrelationId(string? header, out string? correlationId, out RequestError? error)
    {
        error = null;
        correlationId = string.IsNullOrEmpty(header) ? null : header;
        if (CostFields.CorrelationId.Check(correlationId) is { } problem)
        {
            correlationId = null;
            error = RequestError.Invalid(
                $"The {CorrelationHeader} header {problem}; it must be {CostFields.CorrelationId.Description}.", CorrelationHeader, "invalid_request_id");
            return false;
        }

        return true;
    }
}
