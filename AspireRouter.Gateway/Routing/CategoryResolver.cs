using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Routing;

/// <summary>
/// Maps a request to its category: an explicit category header, a category alias in <c>model</c>, <c>auto</c>
/// (header or model) through the pre-classifier, or a concrete model id. Model ids live in the registry only;
/// nothing here names one.
/// </summary>
public static class CategoryResolver
{
    /// <summary>Header that names the category explicitly; it wins over <c>model</c>.</summary>
    public const string CategoryHeader = "X-AspireRouter-Category";

    public static RouteTarget? Resolve(ModelRegistry registry, IPromptClassifier classifier, ChatRequest request, string? categoryHeader, out RequestError? error)
    {
        error = null;
        if (!string.IsNullOrWhiteSpace(categoryHeader))
        {
            if (IsAuto(categoryHeader))
            {
                return Classify(registry, classifier, request);
            }

            if (registry.TryGetCategory(categoryHeader, out var byHeader))
            {
                return new RouteTarget(byHeader, null, $"category header '{byHeader.Name}'");
            }

            error = UnknownModel(registry, categoryHeader, "category");
            return null;
        }

        if (IsAuto(request.Model))
        {
            return Classify(registry, classifier, request);
        }

        if (registry.TryGetCategory(request.Model, out var category))
        {
            return new RouteTarget(category, null, $"category alias '{category.Name}'");
        }

        if (registry.TryGetModel(request.Model, out var model))
        {
            return new RouteTarget(null, model, $"model '{model.Id}' requested");
        }

        error = UnknownModel(registry, request.Model, "model");
        return null;
    }

    private static bool IsAuto(string name) => string.Equals(name.Trim(), WorkloadCategories.Auto, StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the classifier; a pick the registry does not hold falls back to general, else the first category by name.</summary>
    private static RouteTarget Classify(ModelRegistry registry, IPromptClassifier classifier, ChatRequest request)
    {
        var result = classifier.Classify(request);
        if (registry.TryGetCategory(result.Category, out var picked))
        {
            return new RouteTarget(picked, null, result.Reason);
        }

        // The registry validator requires at least one category, so the fallback always finds one.
        var fallback = registry.TryGetCategory(WorkloadCategories.General, out var general)
            ? general
            : registry.Categories[registry.Categories.Keys.Order(StringComparer.Ordinal).First()];
        return new RouteTarget(fallback, null, $"{result.Reason}; '{result.Category}' not in registry -> {fallback.Name}");
    }

    private static RequestError UnknownModel(ModelRegistry registry, string name, string param) =>
        new(StatusCodes.Status404NotFound,
            $"The model '{Truncate(name)}' does not exist. Use a category ({string.Join(", ", registry.Categories.Keys.Order())}) or a model id from GET /v1/models.",
            "invalid_request_error",
            param,
            "model_not_found");

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
