using System.Text;
using AspireRouter.Gateway.Classification;
using Corpus = AspireRouter.ClassifierTraining.LabeledPrompt;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>The letter counts' ASCII fast path against counting rune by rune, which defines them.</summary>
public sealed class TextSignalsTests
{
    [Theory]
    [InlineData("Hello, world 42!", 10, 0)]
    [InlineData("请帮我翻译 this", 9, 5)]
    [InlineData("\uD840\uDC00 x", 2, 1)] // a supplementary-plane Han character
    [InlineData("a \uD800 b \uDC00 c", 3, 0)] // lone surrogates are no letters
    [InlineData("Ünïcödé", 7, 0)]
    [InlineData("", 0, 0)]
    public void CountLetters_CountsLettersAndHan(string text, int letters, int han)
    {
        Assert.Equal((letters, han), TextSignals.CountLetters(text));
        Assert.Equal(Reference(text), TextSignals.CountLetters(text));
    }

    [Fact]
    public void CountLetters_EqualsRuneByRune_OnTheWholeCorpus()
    {
        var corpus = Corpus.Load(Path.Combine(AppContext.BaseDirectory, "Classification", "Corpus", "corpus.jsonl"));

        Assert.All(corpus, prompt => Assert.Equal(Reference(prompt.Prompt), TextSignals.CountLetters(prompt.Prompt)));
    }

    private static (int Letters, int Han) Reference(string text)
    {
        var (letters, han) = (0, 0);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetter(rune))
            {
                letters++;
                han += PromptFeatureExtractor.IsHan(rune.Value) ? 1 : 0;
            }
        }

        return (letters, han);
    }
}
