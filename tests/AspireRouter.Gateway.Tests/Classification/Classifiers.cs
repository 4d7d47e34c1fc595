using AspireRouter.ClassifierTraining;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>Builds classifiers and <c>auto</c> requests the way clients send them.</summary>
internal static class Classifiers
{
    public static RuleBasedClassifier Default(ClassifierOptions? options = null) =>
        new(Options.Create(options ?? new ClassifierOptions()), NullLogger<RuleBasedClassifier>.Instance);

    /// <summary>A chat request for <c>auto</c>: optional system message, then one user message (text, or text plus an image part).</summary>
    public static ChatRequest Request(string prompt, string? system = null, bool image = false, string extra = "")
    {
        var body = Body(prompt, system, image, extra);
        return ChatRequestParser.Parse(body, out var error) ?? throw new InvalidOperationException(error!.Message);
    }

    public static byte[] Body(string prompt, string? system = null, bool image = false, string extra = "", string model = "auto") =>
        AutoRequest.Body(prompt, system, image, extra, model);

    /// <summary>The learned classifier with the shipped model.</summary>
    public static LearnedClassifier Learned(ClassifierOptions? options = null) =>
        new(ShippedModel, Options.Create(options ?? new ClassifierOptions()), NullLogger<LearnedClassifier>.Instance);

    public static LinearModel ShippedModel { get; } = LinearModel.LoadEmbedded();
}
