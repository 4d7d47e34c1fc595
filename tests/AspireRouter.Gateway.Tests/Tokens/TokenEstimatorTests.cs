using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Tokens;

public class TokenEstimatorTests
{
    private static readonly ModelRegistry Seed = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());
    private static readonly TokenEstimator Estimator = new(Options.Create(new TokenEstimationOptions()));

    /// <summary>Ordinary English prose, about one token per word.</summary>
    private static string Prose(int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(i => (i % 7) switch { 0 => "the", 1 => "quarterly", 2 => "report", 3 => "shows", 4 => "steady", 5 => "growth", _ => "again." }));

    private static ChatRequest Request(string category, string text, int? maxTokens = null) =>
        ChatRequestParser.Parse(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = category,
            ["messages"] = new[] { new { role = "user", content = text } },
            ["max_tokens"] = maxTokens,
        })), out _)!;

    private static CandidateList Select(ChatRequest request)
    {
        var target = CategoryResolver.Resolve(Seed, Classification.Classifiers.Default(), request, null, out _)!;
        return CandidateSelector.Select(Seed, target, request, Regions.Global, Estimator.For(request));
    }

    [Fact]
    public void CountExactly_IsCloseToWordCountForProse()
    {
        var request = Request("light", Prose(1000));

        var tokens = Estimator.CountExactly(request);

        Assert.InRange(tokens, 900, 1300);
    }

    [Fact]
    public void CountExactly_CountsARequestOnce()
    {
        var request = Request("light", Prose(200));
        Assert.False(request.PromptTokens.TryGet(out _));

        var first = Estimator.CountExactly(request);

        // The count is kept with the request: a second caller (budget after rate limit, pricing) reads it back.
        Assert.True(request.PromptTokens.TryGet(out var kept));
        Assert.Equal(first, kept);
        Assert.Equal(first, request.PromptTokens.GetOrCount(0, _ => throw new InvalidOperationException("counted twice")));
    }

    [Fact]
    public void CountExactly_DecodesTheTextsTheParserFound_EscapesAndPartsIncluded()
    {
        var plain = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(
            """{"model":"light","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Caf\u00e9 \"au lait\"?"},{"type":"text","text":"Second part."}]}]}"""), out _)!;

        Assert.Equal(3, plain.Texts.Count);
        Assert.Equal([MessageRole.System, MessageRole.User], plain.Roles);
        Assert.Equal(["Be brief.", "Café \"au lait\"?", "Second part."], plain.Texts.Select(t => t.Decode(plain.Body)));
        Assert.Equal([0, 1, 1], plain.Texts.Select(t => t.Message));
        Assert.True(Estimator.CountExactly(plain) > 8);
    }

    [Fact]
    public void SmallRequest_FitsEveryModel_WithoutTokenizing()
    {
        var list = Select(Request("light", "What is the capital of France?"));

        Assert.Equal(6, list.Candidates.Count); // three models in two regions
        Assert.Empty(list.Excluded);
    }

    [Fact]
    public void PromptTooLargeForThePrimary_SkipsItForALargerModelInTheChain()
    {
        // ~40k tokens: over qwen-3-8b's 32k window, within deepseek-v4-flash's 128k.
        var list = Select(Request("light", Prose(40_000)));

        Assert.Equal(["deepseek-v4-flash", "glm-4-9b", "deepseek-v4-flash", "glm-4-9b"], list.Candidates.Select(c => c.Model.Id));
        Assert.Contains(list.Excluded, e => e.StartsWith("qwen-3-8b: context window 32768 < ~", StringComparison.Ordinal));
    }

    [Fact]
    public void MaxTokens_CountsAgainstTheWindow()
    {
        var list = Select(Request("light", "short question", maxTokens: 40_000));

        Assert.Equal("deepseek-v4-flash", list.Candidates[0].Model.Id);
    }

    [Fact]
    public void NothingFits_GivesTheEstimateAndTheLargestWindow()
    {
        var list = Select(Request("light", Prose(150_000)));

        Assert.Empty(list.Candidates);
        Assert.NotNull(list.ContextShortfall);
        Assert.Equal(131072, list.ContextShortfall.LargestWindow);
        Assert.InRange(list.ContextShortfall.Needed, 140_000, 200_000);
    }

    [Fact]
    public void ReasoningModels_ReserveRoomForReasoningTokens()
    {
        var plain = Seed.Models["qwen-3-32b"];
        var reasoning = Seed.Models["deepseek-r1"];
        var request = Request("general", "hi", maxTokens: 100);

        var plainNeeded = Estimator.Needed(10, plain, request, "qwen");
        var reasoningNeeded = Estimator.Needed(10, reasoning, request, "qwen");

        Assert.Equal(new TokenEstimationOptions().ReasoningReserveTokens, reasoningNeeded - plainNeeded);
    }
}
