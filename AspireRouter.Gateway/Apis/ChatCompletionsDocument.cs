using System.Text.Json;
using System.Text.Json.Serialization;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AspireRouter.Gateway.Apis;

/// <summary>
/// The body of <c>POST /v1/chat/completions</c> as the OpenAPI document shows it: OpenAI's request, with the fields the
/// router reads. The pipeline reads the body itself (once, see <c>Requests/ChatCallReader</c>), so this type only
/// describes it; every other OpenAI field passes through to the provider unchanged.
/// </summary>
/// <param name="Model">A category (<c>light</c>, <c>general</c>, <c>reasoning</c>, <c>multimodal</c>, <c>regional-cn</c>), <c>auto</c>, or a registry model id.</param>
/// <param name="Messages">OpenAI chat messages: <c>role</c> and <c>content</c> (text or parts, images included), tool calls and results.</param>
/// <param name="Stream">Server-sent events when true; the stream can fall back until its first byte reaches the client.</param>
/// <param name="MaxTokens">Output cap; with the prompt's size it decides which context windows fit and what the budget holds.</param>
/// <param name="Temperature">Sampling temperature, passed through.</param>
/// <param name="Tools">OpenAI function tools; only models that support tools are candidates.</param>
/// <param name="ToolChoice">OpenAI's tool_choice, passed through.</param>
/// <param name="User">End user the cost is attributed to (as the <c>X-AspireRouter-User</c> header).</param>
public sealed record ChatCompletionRequestBody(
    string Model,
    IReadOnlyList<JsonElement> Messages,
    bool? Stream,
    [property: JsonPropertyName("max_tokens")] int? MaxTokens,
    double? Temperature,
    IReadOnlyList<JsonElement>? Tools,
    [property: JsonPropertyName("tool_choice")] JsonElement? ToolChoice,
    string? User);

/// <summary>OpenAPI for the chat route: its body, the router's request headers and the headers of its answers.</summary>
internal static class ChatCompletionsDocument
{
    private static readonly (string Name, string Description)[] RequestHeaders =
    [
        (CategoryResolver.CategoryHeader, "Workload category; overrides the body's model when both name one."),
        (ResidencyRequirement.Header, "Region the request's data must stay in (e.g. cn), or none. A key bound to a region cannot loosen it."),
        (RequestTimeout.Header, "The client's own deadline in milliseconds (at most Gateway:MaxClientTimeout); else the category's applies."),
        (CostAttribution.TeamHeader, "Team the cost is charged to when the request has no virtual key."),
        (CostAttribution.UserHeader, "End user the cost is attributed to (the body's user field wins)."),
        (CostAttribution.FeatureHeader, "Product feature the cost is attributed to."),
        (RequestIds.CorrelationHeader, "The client's correlation id, echoed back; never the ledger's key."),
    ];

    private static readonly (string Name, string Description)[] ResponseHeaders =
    [
        (RoutingHeaders.GatewayRequestId, "The id the gateway minted for this request: the ledger's key."),
        (RoutingHeaders.RequestId, "The client's correlation id when it sent one, else the gateway's id."),
        (RoutingHeaders.Category, "The category the request was routed as."),
        (RoutingHeaders.Model, "The model that answered."),
        (RoutingHeaders.Region, "The region of the endpoint that answered."),
        (RoutingHeaders.Attempts, "Attempts made (fallbacks, retries and hedges included)."),
        (RoutingHeaders.Fallback, "true when a model other than the first candidate answered."),
        (RoutingHeaders.Reason, "Why this route: the category's policy and what was skipped."),
        (RoutingHeaders.Residency, "The residency region the request was held to; absent when it had none."),
        (RoutingHeaders.Panic, "true when every candidate was out and one was tried anyway (panic mode)."),
        (RoutingHeaders.CostUsd, "USD over every billed attempt; non-streaming answers only."),
    ];

    /// <summary>Documents the route's body, request headers, answers and their headers.</summary>
    public static RouteHandlerBuilder WithChatCompletionsDocument(this RouteHandlerBuilder route) => route
        .Accepts<ChatCompletionRequestBody>("application/json")
        .Produces<JsonElement>(StatusCodes.Status200OK, "application/json", "text/event-stream")
        .Produces<OpenAiErrorResponse>(StatusCodes.Status400BadRequest)
        .Produces<OpenAiErrorResponse>(StatusCodes.Status401Unauthorized)
        .Produces<OpenAiErrorResponse>(StatusCodes.Status403Forbidden)
        .Produces<OpenAiErrorResponse>(StatusCodes.Status429TooManyRequests)
        .Produces<OpenAiErrorResponse>(StatusCodes.Status503ServiceUnavailable)
        .AddOpenApiOperationTransformer(AddHeaders);

    private static Task AddHeaders(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        foreach (var (name, description) in RequestHeaders)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Description = "The provider's answer (chat.completion, or chat.completion.chunk events when streaming), with the routing decision in headers.";
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var (name, description) in ResponseHeaders)
            {
                response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }

        return Task.CompletedTask;
    }
}
