using System.Collections.Immutable;
using AspireRouter.Contracts.Registry;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>
/// Everything drawn for one accepted request before any byte is sent: answer lengths, timings and ids. Delays are
/// unscaled; <see cref="DelayFactor"/> (time scale times the fault's latency multiplier) scales them.
/// </summary>
public sealed record CompletionPlan(
    ModelSpec Model,
    string Id,
    long Created,
    int PromptTokens,
    ImmutableArray<ChoicePlan> Choices,
    bool Json,
    bool IncludeUsage,
    TimeSpan TimeToFirstToken,
    TimeSpan PerOutputToken,
    double DelayFactor,
    bool FailMidStream)
{
    /// <summary>The name the provider answers with.</summary>
    public string ModelName => Model.ProviderModelId;

    /// <summary>Choices are generated in parallel, so the longest one sets the pace.</summary>
    public int LongestAnswer => Choices.Max(c => c.ContentTokens);

    /// <summary>Unscaled time until the whole answer is ready.</summary>
    public TimeSpan Duration => TimeToFirstToken + PerOutputToken * LongestAnswer;

    public AnswerText Answer(int index) => new(Choices[index].Seed, Choices[index].ContentTokens, Json);

    public CompletionUsage Usage()
    {
        int content = 0, reasoning = 0;
        foreach (var choice in Choices)
        {
            content += choice.ContentTokens;
            reasoning += choice.ReasoningTokens;
        }

        return new CompletionUsage(
            PromptTokens,
            content + reasoning,
            new PromptTokensDetails(CachedTokens: 0),
            new CompletionTokensDetails(reasoning));
    }
}

/// <summary>One choice: the seed of its words, its token counts and why it ends (<c>stop</c> or <c>length</c>).</summary>
public readonly record struct ChoicePlan(ulong Seed, int ContentTokens, int ReasoningTokens, string FinishReason);
