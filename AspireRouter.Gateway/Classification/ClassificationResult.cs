namespace AspireRouter.Gateway.Classification;

/// <summary>The pre-classifier's pick for a request that asked for <c>auto</c>.</summary>
/// <param name="Category">A workload category name; the caller falls back when the registry does not hold it.</param>
/// <param name="Reason">
/// Why, in a few ASCII words fit for a response header, e.g. <c>auto: reasoning cue 'prove' -> reasoning</c>.
/// Never holds prompt text.
/// </param>
public sealed record ClassificationResult(string Category, string Reason);
