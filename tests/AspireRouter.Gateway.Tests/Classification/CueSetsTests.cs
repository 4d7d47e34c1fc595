using AspireRouter.Gateway.Classification;
using Corpus = AspireRouter.ClassifierTraining.LabeledPrompt;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>The one-pass cue flags against the lists matched one by one (<see cref="CueSet"/>), which define them.</summary>
public sealed class CueSetsTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Classification", "Corpus");
    private static readonly ClassifierOptions Options = new();
    private static readonly CueSets Cues = new(Options);

    [Fact]
    public void OnePassFlags_EqualTheListsMatchedOneByOne_OnTheWholeCorpus()
    {
        var corpus = Corpus.Load(Path.Combine(CorpusDirectory, "corpus.jsonl"));
        var differences = new List<int>();
        foreach (var prompt in corpus)
        {
            var features = PromptFeatureExtractor.Extract(prompt.ToRequest(), Options.CueWindowChars);
            if (Cues.Flags(features) != ReferenceFlags(features))
            {
                differences.Add(prompt.Id);
            }
        }

        Assert.True(corpus.Count >= 1500);
        Assert.Empty(differences);
    }

    [Theory]
    [InlineData("Prove it.", CueSets.ReasoningCue)]
    [InlineData("How can I improve this?", 0)] // "prove" inside "improve" is no cue
    [InlineData("Why? Why not? And why now?", CueSets.WhyChain)]
    [InlineData("whywhy why", 0)] // one "why" on word boundaries, not three
    [InlineData("为什么下雨？为何天晴？为什么？", CueSets.WhyChain)]
    [InlineData("Summarize the trade-offs, step by step", CueSets.ReasoningCue | CueSets.GeneralCue)]
    [InlineData("TRANSLATE THIS", CueSets.LightCue)]
    [InlineData("the indemnification clause", CueSets.ReasoningCue)] // a prefix cue
    [InlineData("", 0)]
    public void Flags_MatchTheirLists(string prompt, int expected)
    {
        var features = PromptFeatureExtractor.Extract(Classifiers.Request(prompt), Options.CueWindowChars);

        Assert.Equal(expected, Cues.Flags(features) & ~CueSets.Quantitative);
        Assert.Equal(ReferenceFlags(features), Cues.Flags(features));
    }

    [Fact]
    public void LongPrompt_SearchesOnlyItsHeadAndTail()
    {
        var middle = string.Join(' ', Enumerable.Repeat("prove translate why why why", 200));
        var filler = new string('x', CueSets.FlagWindowChars);
        var features = PromptFeatureExtractor.Extract(Classifiers.Request($"{filler} {middle} {filler}"), Options.CueWindowChars);

        Assert.Equal(0, Cues.Flags(features));
        Assert.Equal(ReferenceFlags(features), Cues.Flags(features));
    }

    /// <summary>The flags as the cue lists, each matched on its own over the same windows, define them.</summary>
    private static int ReferenceFlags(PromptFeatures f)
    {
        var o = Options;
        var (head, tail) = Windows(f.LastUserText.ToString());
        var (systemHead, systemTail) = Windows(f.SystemText.ToString());
        bool Any(CueSet set, string a, string b) => set.FindFirst(a) is not null || set.FindFirst(b) is not null;
        var flags = Any(Cues.Reasoning, head, tail) ? CueSets.ReasoningCue : 0;
        flags |= Any(Cues.Light, head, tail) ? CueSets.LightCue : 0;
        flags |= Any(Cues.Light, systemHead, systemTail) ? CueSets.SystemLightCue : 0;
        flags |= Any(Cues.General, head, tail) ? CueSets.GeneralCue : 0;
        flags |= Cues.Why.Count(head) + Cues.Why.Count(tail) >= o.WhyChainCount ? CueSets.WhyChain : 0;
        flags |= f.HasQuestion && f.Numbers >= o.QuantitativeNumbers && f.QuantitySymbols >= o.QuantitySymbolThreshold ? CueSets.Quantitative : 0;
        flags |= f.PromptTokens >= o.LongDocumentTokens && Cues.HardQuestions.FindFirst(tail) is not null ? CueSets.HardQuestion : 0;
        return flags;
    }

    private static (string Head, string Tail) Windows(string text) =>
        text.Length <= 2 * CueSets.FlagWindowChars ? (text, "") : (text[..CueSets.FlagWindowChars], text[^CueSets.FlagWindowChars..]);
}
