using System.Globalization;
using System.Text;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// The explainable rules both classifiers apply ahead of anything else: images make a request multimodal, Chinese
/// writing makes it regional-cn, and a long prompt, context or conversation is never light.
/// </summary>
public static class HardSignals
{
    /// <summary>Images → multimodal; a Han share of the prompt or of its instruction at the threshold → regional-cn; else null.</summary>
    public static ClassificationResult? Classify(PromptFeatures features, ClassifierOptions options)
    {
        if (features.ImageParts > 0)
        {
            return Result(WorkloadCategories.Multimodal, $"{features.ImageParts} image part(s)");
        }

        if (features.PromptHanChars > 0 && features.HanShare >= options.CjkShareThreshold)
        {
            return Result(WorkloadCategories.RegionalCn, $"{Percent(features.HanShare)}% CJK");
        }

        // "请帮我检查这段英文邮件: <English text>" is written in Chinese although most of its letters are English.
        if (features.InstructionHanChars > 0 && features.InstructionHanShare >= options.CjkShareThreshold)
        {
            return Result(WorkloadCategories.RegionalCn, $"{Percent(features.InstructionHanShare)}% CJK in instruction");
        }

        return null;
    }

    /// <summary>Code, a long prompt, a long context or a long conversation rule out <c>light</c>: small models lose track.</summary>
    public static bool LightAllowed(PromptFeatures features, ClassifierOptions options) =>
        !HasCode(features, options)
        && features.PromptTokens <= options.LightMaxPromptTokens
        && features.PromptTokens + features.SystemTokens <= options.LightMaxContextTokens
        && features.MessageCount < options.LongConversationMessages;

    /// <summary>A fenced block or enough code-like lines.</summary>
    public static bool HasCode(PromptFeatures features, ClassifierOptions options) =>
        features.CodeFences >= 2 || features.CodeLines >= options.CodeLineThreshold;

    /// <summary>The route reason every classifier gives: <c>auto: &lt;why&gt; -> &lt;category&gt;</c>.</summary>
    public static ClassificationResult Result(string category, string why) => new(category, $"auto: {why} -> {category}");

    private static double Percent(double share) => Math.Round(share * 100, MidpointRounding.AwayFromZero);

    /// <summary>A cue or word as it may appear in a header: printable ASCII as is, anything else as <c>\uXXXX</c>.</summary>
    public static string Quote(ReadOnlySpan<char> cue)
    {
        var builder = new StringBuilder(cue.Length + 2).Append('\'');
        foreach (var c in cue)
        {
            if (c is >= ' ' and <= '~' and not '\'' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        return builder.Append('\'').ToString();
    }
}
