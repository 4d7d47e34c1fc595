using System.Text.Json.Serialization;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireRouter.Gateway.Apis;

/// <summary>An entry of OpenAI's model list. Categories are listed as models owned by <c>aspirerouter</c>.</summary>
public sealed record ModelEntry(string Id, string Object, long Created, [property: JsonPropertyName("owned_by")] string OwnedBy);

public sealed record ModelList(string Object, IReadOnlyList<ModelEntry> Data);

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the categories, <c>auto</c> and every registry model.</summary>
public static class ModelsApi
{
    private const string Owner = "aspirerouter";

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/models").WithTags("OpenAI");
        api.MapGet("/", ListModels).WithName("ListModels").WithSummary("Lists categories and models.");
        api.MapGet("/{id}", GetModel).WithName("GetModel").WithSummary("Describes one category or model.");
        return app;
    }

    public static Ok<ModelList> ListModels(RegistryProvider registryProvider) =>
        TypedResults.Ok(new ModelList("list", Entries(registryProvider.Current)));

    public static Results<Ok<ModelEntry>, JsonHttpResult<OpenAiErrorResponse>> GetModel(string id, RegistryProvider registryProvider)
    {
        var entry = Entries(registryProvider.Current).FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase));
        return entry is not null
            ? TypedResults.Ok(entry)
            : TypedResults.Json(
                OpenAiErrorResponse.From(new RequestError(StatusCodes.Status404NotFound, $"The model '{(id.Length > 64 ? id[..64] : id)}' does not exist.", "invalid_request_error", "model", "model_not_found")),
                GatewayJsonContext.Default.OpenAiErrorResponse,
                statusCode: StatusCodes.Status404NotFound);
    }

    private static List<ModelEntry> Entries(ModelRegistry registry)
    {
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var entries = registry.Categories.Keys.Order().Select(name => new ModelEntry(name, "model", created, Owner)).ToList();
        entries.Add(new ModelEntry(WorkloadCategories.Auto, "model", created, Owner));
        entries.AddRange(registry.Models.Values.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m =>
            new ModelEntry(m.Id, "model", new DateTimeOffset(m.Price.EffectiveFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds(), m.Provider)));
        return entries;
    }
}
