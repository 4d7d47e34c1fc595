using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Classification;
using Corpus = AspireRouter.ClassifierTraining.LabeledPrompt;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>The learned classifier: hard signals first, then the model; max_tokens only breaks ties; unsure picks fall back.</summary>
public sealed class LearnedClassifierTests
{
    private static ClassificationResult Classify(string prompt, string extra = "", ClassifierOptions? options = null, bool image = false) =>
        Classifiers.Learned(options).Classify(Classifiers.Request(prompt, image: image, extra: extra));

    // The kinds the rules missed on independent prompts, phrased unlike any corpus line.
    [Theory]
    [InlineData("What is the capital of Canada?", "light")]
    [InlineData("what's the capital of Mongolia", "light")]
    [InlineData("Rewrite this in a formal tone for our investors: hey all, sales were meh this month, the new shop opened late and the website broke twice. we'll do better.", "general")]
    [InlineData("Make a changelog out of these notes:\n- search now filters by date\n- fixed the crash when the cart is empty\n- removed the old PDF export", "general")]
    [InlineData("A bakery sells muffins at $3 each and cookies at $1.25. On Saturday it sold 140 items for $297. How many muffins were sold?", "reasoning")]
    [InlineData("Ann is three times as old as her son. In 12 years she will be twice his age. How old is each now?", "reasoning")]
    [InlineData("Every guest at a party shook hands with every other guest once, 66 handshakes in all. How many guests were there?", "reasoning")]
    public void KnownMissKinds_AreClassifiedRight(string prompt, string expected) =>
        Assert.Equal(expected, Classify(prompt).Category);

    [Theory]
    [InlineData("Prove that there are infinitely many primes of the form 4k+3.")]
    [InlineData("Ann is three times as old as her son. In 12 years she will be twice his age. How old is each now?")]
    [InlineData("Write a cover letter for a junior data analyst role at a hospital.")]
    public void MaxTokensAlone_DoesNotFlipTheCategory(string prompt)
    {
        var without = Classify(prompt).Category;

        Assert.Equal(without, Classify(prompt, ",\"max_tokens\":16").Category);
        Assert.Equal(without, Classify(prompt, ",\"max_tokens\":4096").Category);
    }

    [Fact]
    public void SmallMaxTokens_BreaksATieTowardsLight()
    {
        // A margin of 1 makes every pick a tie, so max_tokens decides between the top two whenever light is one of them.
        var options = new ClassifierOptions { TieMargin = 0.5, MinConfidence = 0 };
        var prompt = "Translate to German: the meeting is at noon.";

        var result = Classify(prompt, ",\"max_tokens\":16", options);

        Assert.Equal(WorkloadCategories.Light, result.Category);
    }

    [Fact]
    public void BelowTheConfidenceThreshold_GoesToTheConfiguredFallback()
    {
        const string prompt = "ok, and then?";
        var confidence = Confidence(prompt);
        Assert.True(confidence < 0.99, $"the model is sure of '{prompt}' ({confidence}); pick a vaguer prompt");

        var sure = Classify(prompt, options: new ClassifierOptions { MinConfidence = 0 });
        var unsure = Classify(prompt, options: new ClassifierOptions { MinConfidence = confidence + 0.005 });
        var elsewhere = Classify(prompt, options: new ClassifierOptions { MinConfidence = confidence + 0.005, LowConfidenceCategory = "reasoning" });

        Assert.DoesNotContain("below", sure.Reason);
        Assert.Equal(WorkloadCategories.General, unsure.Category);
        Assert.Matches(@"^auto: model [a-z]+ \d\.\d\d, strongest '.+' below \d\.\d\d -> general$", unsure.Reason);
        Assert.Equal(WorkloadCategories.Reasoning, elsewhere.Category);
    }

    private static float Confidence(string prompt)
    {
        var options = new ClassifierOptions();
        var features = PromptFeatureExtractor.Extract(Classifiers.Request(prompt), options.CueWindowChars);
        Span<float> p = stackalloc float[3];
        Classifiers.ShippedModel.Predict(features, options, new CueSets(options).Flags(features), p);
        return Math.Max(p[0], Math.Max(p[1], p[2]));
    }

    [Fact]
    public void Reason_NamesCategoryConfidenceAndStrongestWord()
    {
        var result = Classify("Prove that the square root of 3 is irrational.");

        Assert.Equal(WorkloadCategories.Reasoning, result.Category);
        Assert.Matches(@"^auto: model reasoning (0\.\d\d|1\.00), strongest '[^']+' -> reasoning$", result.Reason);
    }

    [Fact]
    public void HardSignals_ComeBeforeTheModel()
    {
        Assert.Equal("auto: 1 image part(s) -> multimodal", Classify("Prove that the square root of 2 is irrational.", image: true).Reason);
        Assert.Equal("auto: 100% CJK -> regional-cn", Classify("证明根号三是无理数。").Reason);
    }

    [Fact]
    public void LongPrompt_IsReadAtItsEnds_TheMiddleDoesNotMoveTheModel()
    {
        var payload = string.Join(" ", Enumerable.Repeat("The delivery arrived late and the box was damaged.", 30));
        string Prompt(string middle) => $"Summarize this customer thread for the account manager: {payload} {middle} {payload} What should we offer them?";
        var options = new ClassifierOptions();

        float[] Probabilities(string prompt)
        {
            var features = PromptFeatureExtractor.Extract(Classifiers.Request(prompt), options.CueWindowChars);
            var p = new float[Classifiers.ShippedModel.Categories.Count];
            Classifiers.ShippedModel.Predict(features, options, 0, p);
            return p;
        }

        Assert.True(Prompt("").Length > 2 * PromptFeaturizer.WindowChars + 100);
        Assert.Equal(Probabilities(Prompt("prove the theorem by induction and derive the proof")), Probabilities(Prompt("hello")));
        // Words at either end still count.
        Assert.NotEqual(Probabilities("Prove by induction: " + Prompt("")), Probabilities(Prompt("")));
        Assert.NotEqual(Probabilities(Prompt("") + " Prove it by induction."), Probabilities(Prompt("")));
    }

    [Fact]
    public void LongPrompt_IsClassifiedWithoutCopyingItOntoTheHeap()
    {
        var classifier = Classifiers.Learned();
        var payload = string.Join(" ", Enumerable.Repeat("The checkout service returned errors after a configuration change.", 60));
        var request = Classifiers.Request($"Given this timeline, what is the most likely chain of causes? {payload}");
        for (var i = 0; i < 50; i++)
        {
            classifier.Classify(request);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            classifier.Classify(request);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(payload.Length > 4_000);
        Assert.InRange(perCall, 0, 1_024); // the features record and the reason string: the 8 KB text stays in the pool
    }

    [Fact]
    public void LongPrompt_IsNeverLight()
    {
        var payload = string.Join(" ", Enumerable.Repeat("The delivery arrived late and the box was damaged.", 60));

        var result = Classify($"Sentiment, one word: {payload}");

        Assert.NotEqual(WorkloadCategories.Light, result.Category);
    }

    [Fact]
    public void HeldOutSplit_MeetsTheTargets()
    {
        var classifier = Classifiers.Learned();
        var test = Corpus.Load(Path.Combine(AppContext.BaseDirectory, "Classification", "Corpus", "corpus.jsonl")).Where(p => p.IsTest).ToList();
        var results = test.Select(p => (p.Category, Predicted: classifier.Classify(p.ToRequest()).Category)).ToList();
        var reasoning = results.Where(r => r.Category == WorkloadCategories.Reasoning).ToList();

        var overall = results.Count(r => r.Category == r.Predicted) / (double)results.Count;
        var reasoningAccuracy = reasoning.Count(r => r.Predicted == WorkloadCategories.Reasoning) / (double)reasoning.Count;

        Assert.True(overall >= 0.93, $"held-out accuracy {overall:P1} is below 93 %");
        Assert.True(reasoningAccuracy >= 0.88, $"held-out reasoning accuracy {reasoningAccuracy:P1} is below 88 %");
    }

    [Fact]
    public void HandLabeledSets_WrittenForTheRules_MeetTheFloor()
    {
        // 96.4 % when the floor was set; the sets were never trained on (see README, "The auto classifier").
        var classifier = Classifiers.Learned();
        var prompts = new[] { LabeledPrompt.MainSet, LabeledPrompt.HoldoutSet, LabeledPrompt.HoldoutSet2 }.SelectMany(LabeledPrompt.Load).ToList();

        var accuracy = prompts.Count(p => classifier.Classify(Classifiers.Request(p.Prompt, p.System, p.Image)).Category == p.Category) / (double)prompts.Count;

        Assert.True(accuracy >= 0.93, $"accuracy {accuracy:P1} on the hand-labeled sets is below 93 %");
    }
}
