using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// What every <c>auto</c> classifier here does around its own decision: extract <see cref="PromptFeatures"/> from
/// the body once, apply the <see cref="HardSignals"/> first, then decide from the text, and log the pick.
/// </summary>
public abstract partial class FeatureClassifier(ClassifierOptions options, ILogger logger) : IPromptClassifier
{
    protected ClassifierOptions Options { get; } = options;

    public ClassificationResult Classify(ChatRequest request)
    {
        var features = PromptFeatureExtractor.Extract(request, Options.CueWindowChars);
        ClassificationResult result;
        try
        {
            result = Classify(features);
        }
        finally
        {
            PromptFeatureExtractor.Return(features); // the result's reason holds copies of what it quotes, never the buffer
        }

        LogClassified(logger, result.Category, result.Reason);
        return result;
    }

    /// <summary>Classifies features already extracted: the hard signals, else <see cref="ClassifyText"/>.</summary>
    public ClassificationResult Classify(PromptFeatures features) => HardSignals.Classify(features, Options) ?? ClassifyText(features);

    /// <summary>The decision for a request no hard signal settled (no image, not Chinese).</summary>
    protected abstract ClassificationResult ClassifyText(PromptFeatures features);

    [LoggerMessage(1101, LogLevel.Debug, "auto classified as {Category}: {Reason}")]
    private static partial void LogClassified(ILogger logger, string category, string reason);
}
