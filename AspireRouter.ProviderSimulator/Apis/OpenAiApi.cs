using System.Text.Json;
using AspireRouter.ProviderSimulator.Completions;
using AspireRouter.ProviderSimulator.Faults;
using AspireRouter.ProviderSimulator.Models;
using AspireRouter.ProviderSimulator.Requests;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Apis;

/// <summary>
/// The OpenAI-compatible surface every simulated provider shares, mapped twice: under <c>/v1</c> for callers in this
/// instance's region and under <c>/cross-region/v1</c> for callers in the other region (adds the cross-region
/// latency). Both require the Bearer key.
/// </summary>
public static class OpenAiApi
{
    public const string CrossRegionPrefix = "/cross-region";

    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        MapProvider(app, crossRegion: false);
        MapProvider(app, crossRegion: true);
        return app;
    }

    private static void MapProvider(IEndpointRouteBuilder app, bool crossRegion)
    {
        var suffix = crossRegion ? "CrossRegion" : "";
        var api = app.MapGroup(crossRegion ? CrossRegionPrefix + "/v1" : "/v1")
            .WithTags(crossRegion ? "OpenAI (cross-region)" : "OpenAI")
            .AddEndpointFilter(ActivatorUtilities.CreateInstance<ProviderCallFilter>(app.ServiceProvider, crossRegion))
            .AddEndpointFilter<ApiKeyFilter>();

        api.MapPost("/chat/completions", CreateChatCompletion)
            .WithName("CreateChatCompletion" + suffix)
            .WithSummary("OpenAI Chat Completions, streamed (server-sent events) or not, with simulated latency, usage and faults.");

        api.MapGet("/models", ListModels)
            .WithName("ListModels" + suffix)
            .WithSummary("The models offered in this instance's region.");
    }

    public static async Task<Results<JsonHttpResult<ChatCompletionResponse>, StreamingCompletionResult, JsonHttpResult<OpenAiErrorResponse>>> CreateChatCompletion(
        HttpContext context,
        ModelCatalog catalog,
        FaultStore faults,
        FaultInjector faultInjector,
        CompletionPlanner planner,
        CompletionResponder responder,
        CompletionStreamer streamer)
    {
        var call = context.Features.GetRequiredFeature<SimulatedCall>();
        ChatCompletionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(
                context.Request.Body, OpenAiJson.Context.ChatCompletionRequest, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return ProviderError.InvalidRequest(
                $"We could not parse the JSON body of your request (at {ex.Path ?? "$"}). The API expects a JSON object with the Chat Completions parameters.")
                .ToResult();
        }

        if (request is null)
        {
            return ProviderError.InvalidRequest("The request body must be a JSON object.").ToResult();
        }

        call.Stream = request.Stream == true;
        call.Model = request.Model;
        if (string.IsNullOrEmpty(request.Model))
        {
            return ProviderError.InvalidRequest("You must provide a model parameter.", "model", "missing_required_parameter").ToResult();
        }

        if (!catalog.TryResolve(request.Model, out var model))
        {
            return ProviderError.ModelNotFound(request.Model).ToResult();
        }

        call.Model = model.ProviderModelId;
        var fault = faults.For(model.ProviderModelId);
        if (fault is not null && await faultInjector.ApplyAsync(fault, model.ProviderModelId, context) is { } injected)
        {
            return injected.ToResult();
        }

        if (!planner.TryPlan(request, model, fault, out var plan, out var error))
        {
            return error.ToResult();
        }

        return call.Stream
            ? new StreamingCompletionResult(plan, streamer)
            : TypedResults.Json(
                await responder.CompleteAsync(plan, context.RequestAborted),
                OpenAiJson.Context.ChatCompletionResponse);
    }

    public static Utf8ContentHttpResult ListModels(ModelCatalog catalog) =>
        TypedResults.Text(catalog.ModelListJson, "application/json");
}
