using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireRouter.ProviderSimulator.Wire;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorResponse(OpenAiError Error);

public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>An error as a real provider words it, with its status. Messages never quote prompt text or keys.</summary>
public sealed record ProviderError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    public const string InvalidRequestType = "invalid_request_error";

    public JsonHttpResult<OpenAiErrorResponse> ToResult() =>
        TypedResults.Json(
            new OpenAiErrorResponse(new OpenAiError(Message, Type, Param, Code)),
            OpenAiJson.Context.OpenAiErrorResponse,
            statusCode: Status);

    public static ProviderError InvalidRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, InvalidRequestType, param, code);

    public static ProviderError MissingApiKey() =>
        new(StatusCodes.Status401Unauthorized,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            InvalidRequestType, Code: "invalid_api_key");

    public static ProviderError InvalidApiKey() =>
        new(StatusCodes.Status401Unauthorized, "Incorrect API key provided.", InvalidRequestType, Code: "invalid_api_key");

    public static ProviderError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound,
            $"The model `{model}` does not exist or you do not have access to it.",
            InvalidRequestType, Code: "model_not_found");

    /// <summary>The body a provider sends with an injected failure status.</summary>
    public static ProviderError Injected(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => new(status,
            "Incorrect API key provided. You can find your API key in your provider's console.", "invalid_request_error", Code: "invalid_api_key"),
        StatusCodes.Status402PaymentRequired => new(status, "Insufficient balance.", "invalid_request_error", Code: "insufficient_balance"),
        StatusCodes.Status403Forbidden => new(status, "This API key may not use this model.", "invalid_request_error", Code: "permission_denied"),
        StatusCodes.Status429TooManyRequests => new(status,
            "Rate limit reached for requests. Please retry after the time given in the Retry-After header.",
            "requests", Code: "rate_limit_exceeded"),
        StatusCodes.Status502BadGateway => new(status, "Bad gateway.", "server_error"),
        StatusCodes.Status503ServiceUnavailable => new(status,
            "The engine is currently overloaded, please try again later.", "server_error", Code: "overloaded"),
        StatusCodes.Status504GatewayTimeout => new(status, "Gateway timeout.", "server_error", Code: "timeout"),
        _ => new(status, "The server had an error while processing your request. Sorry about that!", "server_error"),
    };
}
