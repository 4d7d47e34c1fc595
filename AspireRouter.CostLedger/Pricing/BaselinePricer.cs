using AspireRouter.Contracts.Registry;

namespace AspireRouter.CostLedger.Pricing;

/// <summary>
/// The baseline the saving is measured against: a request's tokens priced at the most expensive model of its category's
/// chain (what sending every request of the category to its priciest model would cost). Requests of a concrete model
/// ("direct") or of an unknown category are their own baseline: routing did not choose for them. The registry is the
/// one every service reads (<see cref="RegistryProvider"/>): a bad reload is logged there and the last good one kept.
/// </summary>
public sealed class BaselinePricer(RegistryProvider registryProvider)
{
    /// <summary>USD of these tokens at the priciest chain model of <paramref name="category"/>, or null when it has no chain.</summary>
    public decimal? Baseline(string category, long inputTokens, long cachedInputTokens, long outputTokens) =>
        BaselineModel(category, inputTokens, cachedInputTokens, outputTokens) is { } model
            ? model.Price.Cost(inputTokens, cachedInputTokens, outputTokens)
            : null;

    /// <summary>The chain model that would charge the most for these tokens.</summary>
    public ModelSpec? BaselineModel(string category, long inputTokens, long cachedInputTokens, long outputTokens)
    {
        var registry = registryProvider.Current;
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
