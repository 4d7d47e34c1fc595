using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Classification;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>One test per rule, in the order the rules apply.</summary>
public class RuleBasedClassifierTests
{
    private static readonly RuleBasedClassifier Classifier = Classifiers.Default();

    private static ClassificationResult Classify(string prompt, string? system = null, bool image = false, string extra = "") =>
        Classifier.Classify(Classifiers.Request(prompt, system, image, extra));

    [Fact]
    public void Images_GoToMultimodal_EvenWithReasoningCues()
    {
        var result = Classify("Prove that the chart is wrong, step by step.", image: true);

        Assert.Equal(WorkloadCategories.Multimodal, result.Category);
        Assert.Equal("auto: 1 image part(s) -> multimodal", result.Reason);
    }

    [Fact]
    public void MostlyChinese_GoesToRegionalCn_WithTheShareInTheReason()
    {
        var result = Classify("你好，我的订单还没有发货，能帮我查一下吗？");

        Assert.Equal(WorkloadCategories.RegionalCn, result.Category);
        Assert.Equal("auto: 100% CJK -> regional-cn", result.Reason);
    }

    [Fact]
    public void ChineseInstruction_OnEnglishPayload_GoesToRegionalCn()
    {
        var result = Classify("请帮我检查一下这段英文邮件有没有语法错误：\"Dear Mr. Wang, I am writing to follow up on our meeting last week regarding the shipment schedule.\"");

        Assert.Equal(WorkloadCategories.RegionalCn, result.Category);
        Assert.EndsWith("% CJK in instruction -> regional-cn", result.Reason);
    }

    [Fact]
    public void AFewChineseWords_InEnglish_StayOutOfRegionalCn()
    {
        Assert.NotEqual(WorkloadCategories.RegionalCn, Classify("What does 加油 mean?").Category);
    }

    [Fact]
    public void ReasoningCue_GoesToReasoning_NamingTheCue()
    {
        var result = Classify("Can you go through this step by step and tell me where the estimate breaks down");

        Assert.Equal(WorkloadCategories.Reasoning, result.Category);
        Assert.Equal("auto: reasoning cue 'step by step' -> reasoning", result.Reason);
    }

    [Theory]
    [InlineData("How can I improve my CV?")] // "improve" holds "prove"
    [InlineData("Our approval flow is slow")] // "approval" holds "prov"
    public void Cues_MatchWholeWordsOnly(string prompt)
    {
        Assert.NotEqual(WorkloadCategories.Reasoning, Classify(prompt).Category);
    }

    [Fact]
    public void PrefixCue_MatchesLongerWords()
    {
        var result = Classify("Who carries the indemnification duty here?");

        Assert.Equal("auto: reasoning cue 'indemnif*' -> reasoning", result.Reason);
    }

    [Fact]
    public void WhyChain_GoesToReasoning()
    {
        var result = Classify("why does the cache miss more after the deploy, and why only in the EU region?");

        Assert.Equal(WorkloadCategories.Reasoning, result.Category);
        Assert.Equal("auto: why chain (2) -> reasoning", result.Reason);
    }

    [Fact]
    public void MathSymbols_GoToReasoning()
    {
        var result = Classify("x^3 - 6x^2 + 11x - 6 = 0, all roots");

        Assert.Equal(WorkloadCategories.Reasoning, result.Category);
        Assert.Equal("auto: 3 math symbols -> reasoning", result.Reason);
    }

    [Fact]
    public void LongDocument_WithAHardQuestion_GoesToReasoning_ButASummaryDoesNot()
    {
        var document = string.Concat(Enumerable.Repeat("The supplier shall deliver the goods within thirty days of the order date. ", 250));

        var question = Classify(document + "\n\nDoes section 4 contradict the delivery terms above?");
        var summary = Classify("Summarize this for the team:\n\n" + document);

        Assert.Equal(WorkloadCategories.Reasoning, question.Category);
        Assert.StartsWith("auto: long document (", question.Reason);
        Assert.Equal(WorkloadCategories.General, summary.Category);
    }

    [Fact]
    public void LightCue_OnASmallPrompt_GoesToLight()
    {
        var result = Classify("Sentiment of this review please: \"the strap broke after a week\"");

        Assert.Equal(WorkloadCategories.Light, result.Category);
        Assert.Equal("auto: light cue 'sentiment' -> light", result.Reason);
    }

    [Fact]
    public void LightCue_InTheSystemPrompt_Counts()
    {
        var result = Classify("my parcel never came", system: "You are a triage bot. Reply with one of: delivery, billing, other.");

        Assert.Equal("auto: light cue 'reply with' -> light", result.Reason);
    }

    [Fact]
    public void LightCue_OnALargePrompt_IsIgnored()
    {
        var text = "Translate this contract into German:\n\n" + string.Concat(Enumerable.Repeat("The licensee may not sublicense the software without written consent. ", 40));

        Assert.Equal(WorkloadCategories.General, Classify(text).Category);
    }

    [Fact]
    public void LongContext_OrLongConversation_IsNeverLight()
    {
        var longSystem = string.Concat(Enumerable.Repeat("Follow the style guide strictly. ", 3000));
        Assert.Equal(WorkloadCategories.General, Classify("classify: refund", system: longSystem).Category);

        var features = new PromptFeatures { MessageCount = 20, PromptChars = 8, PromptLetters = 8, LastUserText = "classify".AsMemory() };
        Assert.Equal(WorkloadCategories.General, Classifier.Classify(features).Category);
    }

    [Fact]
    public void QuantitativeQuestion_GoesToReasoning()
    {
        var result = Classify("We pay $12 per seat for 40 seats and churn is 3% a month. Is a 15% discount for annual prepay worth it?");

        Assert.Equal(WorkloadCategories.Reasoning, result.Category);
        Assert.Equal("auto: quantitative question (4 numbers) -> reasoning", result.Reason);
    }

    [Fact]
    public void Code_GoesToGeneral_EvenWithALightCue()
    {
        var result = Classify("Translate to Go:\n```python\ndef add(a, b):\n    return a + b\n```");

        Assert.Equal(WorkloadCategories.General, result.Category);
        Assert.Equal("auto: code -> general", result.Reason);
    }

    [Fact]
    public void GeneralCue_GoesToGeneral()
    {
        var result = Classify("Draft a note to the team about the office move next week");

        Assert.Equal("auto: general cue 'draft' -> general", result.Reason);
    }

    [Fact]
    public void SmallMaxTokens_GoesToLight()
    {
        var result = Classify("Our office plants keep dying even though we water them every Monday and Thursday morning", extra: ",\"max_tokens\":20");

        Assert.Equal("auto: max_tokens 20 -> light", result.Reason);
    }

    [Fact]
    public void JsonOutput_OnAnUncuedSmallPrompt_GoesToLight()
    {
        var result = Classify("Order 5521 from Dana Whitfield, two blue mugs, ship to 4 Elm Street, Springfield, by Friday",
            extra: ",\"response_format\":{\"type\":\"json_object\"}");

        Assert.Equal(WorkloadCategories.Light, result.Category);
        Assert.EndsWith("tokens, JSON output -> light", result.Reason);
    }

    [Fact]
    public void VeryShortPrompt_WithoutCue_GoesToLight()
    {
        var result = Classify("capital of peru");

        Assert.Equal("auto: 4 tokens, no cue -> light", result.Reason);
    }

    [Fact]
    public void ShortInstruction_OnAShortPayload_GoesToLight()
    {
        var result = Classify("Complaint or compliment? \"The delivery guy was super friendly and even carried the box upstairs for me, thanks!\"");

        Assert.Equal(WorkloadCategories.Light, result.Category);
        Assert.Contains("-token instruction on", result.Reason);
    }

    [Fact]
    public void Tools_WithoutCue_GoToGeneral()
    {
        var result = Classify("weather in Lisbon tomorrow", extra: ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]");

        Assert.Equal(WorkloadCategories.General, result.Category);
        Assert.Contains("tools", result.Reason);
    }

    [Fact]
    public void Uncued_MidSizedPrompt_GoesToGeneral()
    {
        var result = Classify("Our team of eight is moving to a four-day week in spring and the client success people are nervous about coverage on Fridays");

        Assert.Equal(WorkloadCategories.General, result.Category);
        Assert.EndsWith("tokens, no cue -> general", result.Reason);
    }

    [Fact]
    public void ConfiguredCues_ReplaceTheDefaults()
    {
        var classifier = Classifiers.Default(new ClassifierOptions { ReasoningCues = ["audit this"], GeneralCues = [] });

        Assert.Equal("auto: reasoning cue 'audit this' -> reasoning", classifier.Classify(Classifiers.Request("Please audit this ledger")).Reason);
        Assert.NotEqual(WorkloadCategories.Reasoning, classifier.Classify(Classifiers.Request("Prove it, step by step")).Category);
    }

    [Fact]
    public void NonAsciiCue_IsEscapedInTheReason()
    {
        Assert.Equal("'\\u8BC1\\u660E'", RuleBasedClassifier.Quote("证明"));
        Assert.Equal("'it\\u0027s'", RuleBasedClassifier.Quote("it's"));
    }

    [Fact]
    public void Classify_LargePrompt_DoesNotCopyIt()
    {
        var request = Classifiers.Request("Summarize this log:\n" + string.Concat(Enumerable.Repeat("2026-01-01T00:00:00Z INFO request served in 12 ms\n", 20_000)));
        Classifier.Classify(request); // warm the pools

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Classifier.Classify(request);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(WorkloadCategories.General, result.Category);
        Assert.True(request.Body.Length > 1_000_000);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes for a {request.Body.Length}-byte body");
    }
}
