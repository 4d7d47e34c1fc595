using Microsoft.Extensions.Options;

namespace AspireRouter.Contracts.Registry;

/// <summary>Cross-field rules of the registry; every message quotes the offending values.</summary>
public sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var errors = Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Validate(RegistryOptions options)
    {
        var errors = new List<string>();
        ValidateProviders(options, errors);
        ValidateModels(options, errors);
        ValidateCategories(options, errors);
        return errors;
    }

    private static void ValidateProviders(RegistryOptions options, List<string> errors)
    {
        if (options.Providers.Count == 0)
        {
            errors.Add("Registry:Providers is empty.");
        }

        foreach (var (id, provider) in options.Providers)
        {
            if (provider.Regions.Count == 0)
            {
                errors.Add($"Provider '{id}' has no region endpoints.");
            }

            foreach (var (region, endpoint) in provider.Regions)
            {
                if (!Regions.IsKnown(region))
                {
                    errors.Add($"Provider '{id}' names unknown region '{region}' (known: {string.Join(", ", Regions.All)}).");
                }

                if (endpoint.BaseUrl is null || !endpoint.BaseUrl.IsAbsoluteUri
                    || endpoint.BaseUrl.Scheme is not ("http" or "https"))
                {
                    errors.Add($"Provider '{id}' region '{region}' needs an absolute http(s) BaseUrl (got '{endpoint.BaseUrl}').");
                }
            }
        }
    }

    private static void ValidateModels(RegistryOptions options, List<string> errors)
    {
        if (options.Models.Count == 0)
        {
            errors.Add("Registry:Models is empty.");
        }

        foreach (var (id, model) in options.Models)
        {
            if (string.Equals(id, WorkloadCategories.Auto, StringComparison.OrdinalIgnoreCase)
                || options.Categories.ContainsKey(id))
            {
                errors.Add($"Model id '{id}' collides with a category name.");
            }

            if (!options.Providers.TryGetValue(model.Provider, out var provider))
            {
                errors.Add($"Model '{id}' names unknown provider '{model.Provider}'.");
            }

            if (model.ContextWindow <= 0)
            {
                errors.Add($"Model '{id}' needs a positive ContextWindow (got {model.ContextWindow}).");
            }

            if (model.MaxOutputTokens <= 0 || model.MaxOutputTokens > model.ContextWindow)
            {
                errors.Add($"Model '{id}' MaxOutputTokens must be in 1..ContextWindow (got {model.MaxOutputTokens}, window {model.ContextWindow}).");
            }

            if (model.Regions.Count == 0)
            {
                errors.Add($"Model '{id}' is offered in no region.");
            }

            foreach (var region in model.Regions)
            {
                if (!Regions.IsKnown(region))
                {
                    errors.Add($"Model '{id}' names unknown region '{region}'.");
                }
                else if (provider is not null && !provider.Regions.ContainsKey(region))
                {
                    errors.Add($"Model '{id}' is offered in '{region}' but provider '{model.Provider}' has no endpoint there.");
                }
            }

            var price = model.Price;
            if (price.InputPerMillion < 0 || price.CachedInputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                errors.Add($"Model '{id}' has a negative price (input {price.InputPerMillion}, cached {price.CachedInputPerMillion}, output {price.OutputPerMillion}).");
            }
        }
    }

    private static void ValidateCategories(RegistryOptions options, List<string> errors)
    {
        if (options.Categories.Count == 0)
        {
            errors.Add("Registry:Categories is empty.");
        }

        foreach (var (name, category) in options.Categories)
        {
            if (string.Equals(name, WorkloadCategories.Auto, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("'auto' is reserved for the pre-classifier and cannot be a category.");
            }

            var chain = ModelRegistry.CategoryChain(category);
            if (string.IsNullOrWhiteSpace(category.Primary))
            {
                errors.Add($"Category '{name}' has no Primary model.");
            }

            foreach (var model in chain.Where(m => !string.IsNullOrWhiteSpace(m) && !options.Models.ContainsKey(m)))
            {
                errors.Add($"Category '{name}' names unknown model '{model}'.");
            }

            var duplicates = chain.GroupBy(m => m, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
            {
                errors.Add($"Category '{name}' lists '{string.Join("', '", duplicates)}' more than once in its chain.");
            }

            if (category.LatencyBudget <= TimeSpan.Zero)
            {
                errors.Add($"Category '{name}' needs a positive LatencyBudget (got {category.LatencyBudget}).");
            }

            if (category.Timeout <= TimeSpan.Zero || category.Timeout > TimeSpan.FromMinutes(10))
            {
                errors.Add($"Category '{name}' Timeout must be in (0, 10 min] (got {category.Timeout}).");
            }

            if (category.MaxRetries is < 0 or > 10)
            {
                errors.Add($"Category '{name}' MaxRetries must be in 0..10 (got {category.MaxRetries}).");
            }

            if (!RoutingPolicies.All.Contains(category.Policy))
            {
                errors.Add($"Category '{name}' names unknown policy '{category.Policy}' (known: {string.Join(", ", RoutingPolicies.All)}).");
            }

            if (category.Hedging.MaxShare is < 0 or > 1 || double.IsNaN(category.Hedging.MaxShare)
                || category.Hedging.Delay is { } hedgeDelay && (hedgeDelay <= TimeSpan.Zero || hedgeDelay >= category.Timeout))
            {
                errors.Add($"Category '{name}' Hedging needs MaxShare in [0, 1] and a Delay in (0, Timeout) (got {category.Hedging.MaxShare}, {category.Hedging.Delay}).");
            }

            if (category.PreferredRegion is { } region && !Regions.IsKnown(region))
            {
                errors.Add($"Category '{name}' prefers unknown region '{region}'.");
            }
        }
    }
}
