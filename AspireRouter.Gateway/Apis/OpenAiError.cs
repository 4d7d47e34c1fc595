using System.Text.Json.Serialization;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Apis;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorResponse(OpenAiErrorBody Error)
{
    public static OpenAiErrorResponse From(RequestError error) =>
        new(new OpenAiErrorBody(error.Message, error.Type, error.Param, error.Code));
}

public sealed record OpenAiErrorBody(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>Writes OpenAI-style errors with the source-generated serializer.</summary>
public static class OpenAiErrors
{
    public static IResult Result(RequestError error) =>
        TypedResults.Json(OpenAiErrorResponse.From(error), GatewayJsonContext.Default.OpenAiErrorResponse, statusCode: error.Status);

    public static Task WriteAsync(HttpContext context, RequestError error)
    {
        context.Response.StatusCode = error.Status;
        return context.Response.WriteAsJsonAsync(
            OpenAiErrorResponse.From(error), GatewayJsonContext.Default.OpenAiErrorResponse, contentType: null, context.RequestAborted);
    }
}
