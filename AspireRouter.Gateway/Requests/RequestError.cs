namespace AspireRouter.Gateway.Requests;

/// <summary>An OpenAI-style error: HTTP status plus the <c>error</c> object's fields.</summary>
public sealed record RequestError(int Status, string Message, string Type, string? Param, string? Code)
{
    public static RequestError Invalid(string message, string? param, string? code) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);
}
