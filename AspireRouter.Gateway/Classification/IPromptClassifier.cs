using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Classification;

/// <summary>Picks a workload category for a request whose <c>model</c> (or category header) is <c>auto</c>.</summary>
public interface IPromptClassifier
{
    /// <summary>Classifies <paramref name="request"/>; runs on the request path, so it must be cheap and must not throw.</summary>
    ClassificationResult Classify(ChatRequest request);
}
