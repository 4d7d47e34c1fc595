using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Pricing;

/// <summary>
/// The baseline the saving is measured against: a request's tokens priced at the most expensive model of its category's
/// chain (what sending every request of the category to its priciest model would cost). Requests of a concrete model
/// ("direct") or of an unknown category are their own baseline: routing did not choose for them.
/// </summary>
public sealed class BaselinePricer
{
    private volatile ModelRegistry _registry;

    public BaselinePricer(IOptionsMonitor<RegistryOptions> options)
    {
        _registry = ModelRegistry.Create(options.CurrentValue);
        options.OnChange(next =>
        {
            try
            {
                _registry = ModelRegistry.Create(next);
            }
            catch (RegistryValidationException)
            {
                // A bad reload keeps the last good registry; the gateway logs the problems.
            }
        });
    }

    /// <summary>USD of these tokens at the priciest chain model of <paramref name="category"/>, or null when it has no chain.</summary>
    public decimal? Baseline(string category, long inputTokens, long cachedInputTokens, long outputTokens) =>
        BaselineModel(category, inputTokens, cachedInputTokens, outputTokens) is { } model
            ? model.Price.Cost(inputTokens, cachedInputTokens, outputTokens)
            : null;

    /// <summary>The chain model that would charge the most for these tokens.</summary>
    public ModelSpec? BaselineModel(string category, long inputTokens, long cachedInputTokens, long outputTokens)
    {
        var registry = _registry;
        if (!registry.TryGetCategory(category, out var spec))
        {
            return null;
        }

        ModelSpec? priciest = null;
        foreach (var id in spec.Chain)
        {
            if (registry.TryGetModel(id, out var model)
                && (priciest is null || model.Price.Cost(inputTokens, cachedInputTokens, outputTokens)
                    > priciest.Price.Cost(inputTokens, cachedInputTokens, outputTokens)))
            {
                priciest = model;
            }
        }

        return priciest;
    }
}
