using System.Diagnostics;
using System.Globalization;
using AspireRouter.ClassifierTraining;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireRouter.Bench.Classifier;

/// <summary>
/// Classification micro-benchmark (bench/run.sh --classifier): each classifier on a ~1,000-token prompt parsed once,
/// timed call by call on one thread in rounds; prints p50/p99 in µs (medians over rounds) and the bytes allocated per call.
/// </summary>
internal static class Program
{
    private const int Rounds = 7;

    private static int Main(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var prompt = Prompt();
        var request = ChatRequestParser.Parse(AutoRequest.Body(prompt), out var error) ?? throw new InvalidOperationException(error!.Message);
        var options = Options.Create(new ClassifierOptions());
        var tokens = PromptFeatureExtractor.Extract(request, options.Value.CueWindowChars).PromptTokens;
        var learned = new LearnedClassifier(LinearModel.LoadEmbedded(), options, NullLogger<LearnedClassifier>.Instance);
        var rules = new RuleBasedClassifier(options, NullLogger<RuleBasedClassifier>.Instance);

        Console.WriteLine($"classifier micro-benchmark: {prompt.Length} chars, ~{tokens} estimated tokens, {Rounds} rounds of {iterations} calls after {iterations / 4} warm-up (medians over rounds), {DateTime.UtcNow:yyyy-MM-dd}");
        Console.WriteLine($"| classifier | p50 µs | p99 µs | best round's p99 µs | bytes allocated per call | result |");
        Console.WriteLine($"| --- | ---: | ---: | ---: | ---: | --- |");
        Measure("learned (default)", () => learned.Classify(request), iterations);
        Measure("rules", () => rules.Classify(request), iterations);

        // The learned path's parts: reading features from the body, then cue flags and scoring on features given.
        var features = PromptFeatureExtractor.Extract(request, options.Value.CueWindowChars);
        var cues = new CueSets(options.Value);
        Measure("  part: feature extraction", () => Extracted(request, options.Value.CueWindowChars), iterations);
        Measure("  part: cue flags", () => Touch(cues.Flags(features)), iterations);
        Measure("  part: model on features", () => learned.Classify(features), iterations);
        return 0;
    }

    /// <summary>
    /// <see cref="Rounds"/> rounds of <paramref name="iterations"/> timed calls after a warm-up; prints the median over
    /// rounds of each round's p50 and p99 (and the best round's p99): one preempted round on a shared machine moves the
    /// median little.
    /// </summary>
    private static void Measure(string name, Func<ClassificationResult> classify, int iterations)
    {
        for (var i = 0; i < iterations / 4; i++)
        {
            classify();
        }

        var samples = new double[iterations];
        var (p50s, p99s) = (new double[Rounds], new double[Rounds]);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        ClassificationResult? result = null;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < iterations; i++)
            {
                var start = Stopwatch.GetTimestamp();
                result = classify();
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Array.Sort(samples);
            (p50s[round], p99s[round]) = (samples[iterations / 2], samples[iterations * 99 / 100]);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - allocated) / ((long)iterations * Rounds);
        Array.Sort(p50s);
        Array.Sort(p99s);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {p50s[Rounds / 2]:0.0} | {p99s[Rounds / 2]:0.0} | {p99s[0]:0.0} | {perCall} | {result!.Reason} |"));
    }

    private static ClassificationResult Touch<T>(T value) => new(value?.GetType().Name ?? "", "");

    /// <summary>Extracts the features and hands their text buffer back, as the classifiers do.</summary>
    private static ClassificationResult Extracted(ChatRequest request, int window)
    {
        var features = PromptFeatureExtractor.Extract(request, window);
        PromptFeatureExtractor.Return(features);
        return Touch(features);
    }

    /// <summary>A realistic long prompt: an incident write-up and a question about it, about 4,000 characters.</summary>
    private static string Prompt()
    {
        string[] paragraphs =
        [
            "On Tuesday between 09:12 and 10:40 UTC the checkout service returned errors for about a third of requests after a configuration change to the payment gateway timeout.",
            "The change had been reviewed, but the reviewer assumed the value was in seconds while the service reads milliseconds, so every call to the provider timed out almost at once.",
            "Retries multiplied the load on the provider, which started to rate-limit us; the queue of pending orders grew to forty thousand entries before the rollback.",
            "Customers saw a generic error page and many tried again, which created duplicate orders that support had to cancel by hand over the following two days.",
            "The on-call engineer was paged at 09:20 but the dashboard showed healthy instances, because the health check does not call the payment provider.",
        ];
        var text = string.Join(" ", Enumerable.Range(0, 5).SelectMany(_ => paragraphs));
        return text + "\n\nGiven this timeline, what is the most likely chain of causes, and which changes would have prevented each step?";
    }
}
