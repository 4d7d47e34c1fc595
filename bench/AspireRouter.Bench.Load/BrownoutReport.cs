using System.Globalization;
using System.Text;

namespace AspireRouter.Bench.Load;

/// <summary>One router's run of one scenario, and the figures the table reports from it.</summary>
public sealed record BrownoutRun(BrownoutScenario Scenario, string Router, TimeSpan Duration, IReadOnlyList<BrownoutOutcome> Outcomes)
{
    public int Requests => Outcomes.Count;

    public int Failed => Outcomes.Count(o => !o.Ok);

    /// <summary>Share of requests answered completely; NaN without requests.</summary>
    public double SuccessRate => Requests == 0 ? double.NaN : (double)(Requests - Failed) / Requests;

    /// <summary>Latency percentile over every request, failed ones included (a fast failure is not a good answer, but it is what the caller waited).</summary>
    public double Percentile(double percent) => LatencySamples.Percentile([.. Outcomes.Select(o => o.Ms).Order()], percent);

    /// <summary>
    /// Latency percentile to an answer: a failed request counts as never answered (+∞), so a router that fails fast
    /// does not look fast. +∞ when more than <c>100 − percent</c> % of the requests failed.
    /// </summary>
    public double AnswerPercentile(double percent) => LatencySamples.Percentile([.. AnswerLatencies().Order()], percent);

    /// <summary>Each request's latency to an answer, in the order sent: +∞ for a failed one.</summary>
    public IEnumerable<double> AnswerLatencies() => Outcomes.Select(o => o.Ok ? o.Ms : double.PositiveInfinity);

    public double AttemptsPerRequest => BrownoutReport.AttemptsPerRequest(Outcomes);

    /// <summary>Attempts per request over the requests sent in the second half of the run: the steady state.</summary>
    public double SteadyAttemptsPerRequest => BrownoutReport.AttemptsPerRequest(BrownoutReport.SecondHalf(Outcomes, Duration));

    public double PanicShare => Requests == 0 ? double.NaN : (double)Outcomes.Count(o => o.Panic) / Requests;
}

/// <summary>The brownout table (the gateway beside the seed router, scenario by scenario), its checks against issue 14's targets, and why requests failed.</summary>
public static class BrownoutReport
{
    public const string Gateway = "gateway";
    public const string Seed = "seed";

    /// <summary>Success the gateway must reach where the chain has healthy capacity.</summary>
    public const double MinSuccess = 0.999;

    /// <summary>Steady-state attempts per request allowed under 100 % errors (no retry amplification).</summary>
    public const double MaxSteadyAttempts = 1.2;

    /// <summary>Total upstream attempts over requests; NaN without requests.</summary>
    public static double AttemptsPerRequest(IEnumerable<BrownoutOutcome> outcomes)
    {
        var (requests, attempts) = (0, 0L);
        foreach (var outcome in outcomes)
        {
            requests++;
            attempts += outcome.Attempts;
        }

        return requests == 0 ? double.NaN : (double)attempts / requests;
    }

    /// <summary>The requests sent in the second half of a run of <paramref name="duration"/>.</summary>
    public static IEnumerable<BrownoutOutcome> SecondHalf(IEnumerable<BrownoutOutcome> outcomes, TimeSpan duration) =>
        outcomes.Where(o => o.StartedAt >= duration / 2);

    public static string Format(IReadOnlyList<BrownoutRun> runs)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | success gateway | success seed | p50 ms gateway | p50 ms seed | p99 ms gateway | p99 ms seed | attempts/req gateway | attempts/req seed | panic % gateway | requests gateway / seed |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (scenario, gateway, seed) in Pairs(runs))
        {
            var attempts = Attempts(gateway) + (scenario.Amplification && gateway is not null ? Invariant($" ({gateway.SteadyAttemptsPerRequest:0.00} 2nd half)") : "");
            var seedAttempts = Attempts(seed) + (scenario.Amplification && seed is not null ? Invariant($" ({seed.SteadyAttemptsPerRequest:0.00} 2nd half)") : "");
            text.AppendLine(Invariant(
                $"| {scenario.Name} | {Percent(gateway?.SuccessRate)} | {Percent(seed?.SuccessRate)} | {Ms(gateway, 50)} | {Ms(seed, 50)} | {Ms(gateway, 99)} | {Ms(seed, 99)} | {attempts} | {seedAttempts} | {Share(gateway?.PanicShare)} | {gateway?.Requests ?? 0} / {seed?.Requests ?? 0} |"));
        }

        text.AppendLine();
        text.AppendLine("| check | scenario | measured | target | met |");
        text.AppendLine("| --- | --- | ---: | ---: | --- |");
        foreach (var row in Checks(runs))
        {
            text.AppendLine(row);
        }

        var failures = FailureLines(runs).ToList();
        if (failures.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Failed requests, by what they ended with (most frequent first):");
            text.AppendLine();
            foreach (var line in failures)
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    /// <summary>One row per target of issue 14 that the runs can answer.</summary>
    public static IEnumerable<string> Checks(IReadOnlyList<BrownoutRun> runs)
    {
        foreach (var (scenario, gateway, seed) in Pairs(runs))
        {
            if (gateway is null || gateway.Requests == 0)
            {
                continue;
            }

            if (scenario.HealthyCapacity)
            {
                yield return Row("success", scenario, Percent(gateway.SuccessRate), Invariant($">= {MinSuccess * 100:0.0} %"), gateway.SuccessRate >= MinSuccess);
            }

            if (seed is { Requests: > 0 })
            {
                yield return Row("success vs seed", scenario, $"{Percent(gateway.SuccessRate)} vs {Percent(seed.SuccessRate)}", ">= seed", gateway.SuccessRate >= seed.SuccessRate);
                var (p99, seedP99) = (gateway.AnswerPercentile(99), seed.AnswerPercentile(99));
                if (!double.IsPositiveInfinity(p99) || !double.IsPositiveInfinity(seedP99))
                {
                    // Neither answering 99 % of requests leaves no answer latency to compare.
                    var measured = $"{AnswerMs(p99)} vs {AnswerMs(seedP99)} ms";
                    if (p99 <= seedP99)
                    {
                        yield return Row("p99 to an answer vs seed", scenario, measured, "<= seed", met: true);
                    }
                    else
                    {
                        // A miss says how sure it is: the 95 % interval of the difference, resampling both runs.
                        var (low, high) = AnswerDifferenceInterval(gateway, seed, 99);
                        yield return Row("p99 to an answer vs seed", scenario, Invariant($"{measured}; difference's 95 % interval {Signed(low)}..{Signed(high)} ms"), "<= seed",
                            low <= 0 ? "**no**, within noise" : "**no**");
                    }
                }
            }

            if (scenario.Amplification)
            {
                var steady = gateway.SteadyAttemptsPerRequest;
                yield return Row("attempts/req, 2nd half", scenario, Invariant($"{steady:0.00}"), Invariant($"<= {MaxSteadyAttempts:0.0}"), steady <= MaxSteadyAttempts);
            }
        }
    }

    /// <summary>
    /// The bootstrap 95 % interval of gateway − seed for the answer-latency percentile: both runs resampled with
    /// replacement <paramref name="resamples"/> times (a fixed seed, so the same runs give the same interval). An interval
    /// that holds 0 means the run cannot tell the two apart at that percentile.
    /// </summary>
    public static (double Low, double High) AnswerDifferenceInterval(BrownoutRun gateway, BrownoutRun seed, double percent, int resamples = 1000)
    {
        var random = new Random(7);
        var differences = new List<double>(resamples);
        double[] ours = [.. gateway.AnswerLatencies()], theirs = [.. seed.AnswerLatencies()];
        var (a, b) = (new double[ours.Length], new double[theirs.Length]);
        for (var r = 0; r < resamples; r++)
        {
            var difference = Resampled(ours, a) - Resampled(theirs, b);
            if (!double.IsNaN(difference))
            {
                differences.Add(difference);
            }
        }

        differences.Sort();
        return differences.Count == 0 ? (double.NaN, double.NaN)
            : (LatencySamples.Percentile(differences, 2.5), LatencySamples.Percentile(differences, 97.5));

        double Resampled(double[] source, double[] into)
        {
            for (var i = 0; i < into.Length; i++)
            {
                into[i] = source[random.Next(source.Length)];
            }

            Array.Sort(into);
            return LatencySamples.Percentile(into, percent);
        }
    }

    /// <summary>Per scenario and router with failures: how many ended with each reason.</summary>
    public static IEnumerable<string> FailureLines(IReadOnlyList<BrownoutRun> runs)
    {
        foreach (var run in runs.Where(r => r.Failed > 0))
        {
            var reasons = run.Outcomes.Where(o => !o.Ok).GroupBy(o => o.Failure ?? "?")
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(4).Select(g => Invariant($"{g.Key} ×{g.Count()}"));
            yield return Invariant($"- {run.Scenario.Name}, {run.Router}: {run.Failed} of {run.Requests} — {string.Join(", ", reasons)}");
        }
    }

    /// <summary>
    /// A share as a percentage with two decimals, rounded down, so a run with any failure never reads 100.00 %.
    /// </summary>
    public static string Percent(double? share) =>
        share is not { } value || double.IsNaN(value) ? "n/a" : Invariant($"{Math.Floor(value * 10_000) / 100:0.00} %");

    private static IEnumerable<(BrownoutScenario Scenario, BrownoutRun? Gateway, BrownoutRun? Seed)> Pairs(IReadOnlyList<BrownoutRun> runs) =>
        runs.Select(r => r.Scenario).Distinct().Select(s => (s,
            runs.FirstOrDefault(r => r.Scenario == s && r.Router == Gateway),
            runs.FirstOrDefault(r => r.Scenario == s && r.Router == Seed)));

    private static string AnswerMs(double ms) => double.IsPositiveInfinity(ms) ? "∞" : Invariant($"{ms:0}");

    private static string Ms(BrownoutRun? run, double percent) => run is { Requests: > 0 } ? Invariant($"{run.Percentile(percent):0}") : "n/a";

    private static string Attempts(BrownoutRun? run) => run is { Requests: > 0 } ? Invariant($"{run.AttemptsPerRequest:0.00}") : "n/a";

    private static string Share(double? share) => share is { } value && !double.IsNaN(value) ? Invariant($"{value * 100:0.0}") : "n/a";

    private static string Row(string check, BrownoutScenario scenario, string measured, string target, bool met) =>
        Row(check, scenario, measured, target, met ? "yes" : "**no**");

    private static string Row(string check, BrownoutScenario scenario, string measured, string target, string verdict) =>
        $"| {check} | {scenario.Name} | {measured} | {target} | {verdict} |";

    private static string Signed(double ms) => double.IsInfinity(ms) ? (ms > 0 ? "+∞" : "−∞") : Invariant($"{ms:+0;−0;0}");

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
