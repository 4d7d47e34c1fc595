namespace AspireRouter.Gateway.Requests;

/// <summary>Request ids: the client's <c>X-Request-Id</c> when it is sane, else a new one.</summary>
public static class RequestIds
{
    public static string FromOrNew(string? incoming) =>
        IsAcceptable(incoming) ? incoming! : "req_" + Guid.CreateVersion7().ToString("N");

    /// <summary>1-128 characters of letters, digits, '-', '_', '.', ':'; anything else could poison logs or keys.</summary>
    public static bool IsAcceptable(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
