namespace AspireRouter.CostLedger.Access;

/// <summary>OpenAI's error shape, as the gateway answers: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record ErrorResponse(ErrorBody Error)
{
    public static ErrorResponse Invalid(string message, string param) =>
        new(new ErrorBody(message, "invalid_request_error", param, "invalid_parameter"));
}

public sealed record ErrorBody(string Message, string Type, string? Param, string? Code);
