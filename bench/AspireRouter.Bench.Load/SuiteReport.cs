using System.Globalization;
using System.Text;

namespace AspireRouter.Bench.Load;

/// <summary>The comparison as markdown: one row per load and target, added latency over direct, ratios against the targets.</summary>
public static class SuiteReport
{
    /// <summary>Throughput with the gateway's real work on must be at least this share of the bare YARP forwarder's.</summary>
    public const double MinShareOfYarp = 0.70;

    /// <summary>With OpenTelemetry export on, at least this share of the bare YARP forwarder's throughput (issue 16).</summary>
    public const double MinOtelShareOfYarp = 0.85;

    /// <summary>... and at least this multiple of the peer gateway's.</summary>
    public const double MinMultipleOfPeer = 10;

    public const double MaxAddedP50Ms = 0.5;
    public const double MaxAddedP99Ms = 2;
    public const double MaxAddedStreamP50Ms = 1;

    public static string Format(IReadOnlyList<RunResult> results, IReadOnlyList<(string Name, ProcessSample Sample)> processes)
    {
        var text = new StringBuilder();
        text.AppendLine("| load | target | req/s | p50 ms | p99 ms | +p50 vs direct | +p99 vs direct | errors | CPU % | peak RSS MB |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var shape in results.Select(r => r.Shape).Distinct())
        {
            var direct = results.FirstOrDefault(r => r.Shape == shape && r.Target == Target.Direct);
            foreach (var r in results.Where(r => r.Shape == shape))
            {
                var added50 = direct is null || r == direct ? "" : Ms(Added(r, direct, x => x.P50), signed: true);
                var added99 = direct is null || r == direct ? "" : Ms(Added(r, direct, x => x.P99), signed: true);
                text.AppendLine(Invariant($"| {shape.Label}{(shape.Stream ? " (TTFB)" : "")} | {r.Target} | {r.RequestsPerSecond:0} | {Ms(r.P50)} | {Ms(r.P99)} | {added50} | {added99} | {r.Errors} | {r.CpuPercent:0} | {r.PeakRssBytes / 1048576.0:0} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("| check | measured | target | met |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        foreach (var row in Checks(results))
        {
            text.AppendLine(row);
        }

        if (processes.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| process | CPU s (whole run) | RSS now MB | peak RSS MB |");
            text.AppendLine("| --- | ---: | ---: | ---: |");
            foreach (var (name, sample) in processes)
            {
                text.AppendLine(Invariant($"| {name} | {sample.CpuSeconds:0.0} | {sample.RssBytes / 1048576.0:0} | {sample.PeakRssBytes / 1048576.0:0} |"));
            }
        }

        return text.ToString();
    }

    /// <summary>One row per target of the issue that the results can answer.</summary>
    public static IEnumerable<string> Checks(IReadOnlyList<RunResult> results)
    {
        foreach (var closed in results.Where(r => !r.Shape.OpenLoop && !r.Shape.Stream && r.Target == Target.Gateway))
        {
            if (Find(results, closed.Shape, Target.Yarp) is { } yarp)
            {
                var share = closed.RequestsPerSecond / yarp.RequestsPerSecond;
                yield return Row($"throughput gateway / yarp, {closed.Shape.Label}", $"{share:P0}", $">= {MinShareOfYarp:P0}", share >= MinShareOfYarp);
            }

            if (Find(results, closed.Shape, Target.GatewayOtel) is { } otel && Find(results, closed.Shape, Target.Yarp) is { } bare)
            {
                var share = otel.RequestsPerSecond / bare.RequestsPerSecond;
                yield return Row($"throughput gateway-otel / yarp, {closed.Shape.Label}", $"{share:P0}", $">= {MinOtelShareOfYarp:P0}", share >= MinOtelShareOfYarp);
            }

            if (Find(results, closed.Shape, Target.Peer) is { } peer)
            {
                var multiple = closed.RequestsPerSecond / peer.RequestsPerSecond;
                yield return Row($"throughput gateway / portkey, {closed.Shape.Label}", $"{multiple:0.0}x", $">= {MinMultipleOfPeer:0}x", multiple >= MinMultipleOfPeer);
            }
        }

        foreach (var open in results.Where(r => r.Shape.OpenLoop && r.Target == Target.Gateway))
        {
            if (Find(results, open.Shape, Target.Direct) is not { } direct)
            {
                continue;
            }

            if (open.Shape.Stream)
            {
                var added = Added(open, direct, x => x.P50);
                yield return Row($"added TTFB p50, {open.Shape.Label}", Ms(added, signed: true), $"< {MaxAddedStreamP50Ms} ms", added < MaxAddedStreamP50Ms);
            }
            else
            {
                var added50 = Added(open, direct, x => x.P50);
                var added99 = Added(open, direct, x => x.P99);
                yield return Row($"added p50, {open.Shape.Label}", Ms(added50, signed: true), $"< {MaxAddedP50Ms} ms", added50 < MaxAddedP50Ms);
                yield return Row($"added p99, {open.Shape.Label}", Ms(added99, signed: true), $"< {MaxAddedP99Ms} ms", added99 < MaxAddedP99Ms);
            }
        }
    }

    /// <summary>
    /// Latency <paramref name="result"/> adds over <paramref name="direct"/>: with rounds on both sides, the median over
    /// rounds of the difference within each round (the two ran a few seconds apart, while the pooled figures span the
    /// whole load and a hiccup of the machine in one round moves a pooled p99 by milliseconds); else the plain difference.
    /// </summary>
    public static double Added(RunResult result, RunResult direct, Func<RunResult, double> percentile)
    {
        if (result.Rounds.Count < 2 || result.Rounds.Count != direct.Rounds.Count)
        {
            return percentile(result) - percentile(direct);
        }

        var differences = result.Rounds.Zip(direct.Rounds, (r, d) => percentile(r) - percentile(d)).Order().ToArray();
        var middle = differences.Length / 2;
        return differences.Length % 2 == 1 ? differences[middle] : (differences[middle - 1] + differences[middle]) / 2;
    }

    public static string Ms(double ms, bool signed = false) =>
        double.IsNaN(ms) ? "n/a" : ms.ToString(signed ? "+0.00;-0.00;0.00" : "0.00", CultureInfo.InvariantCulture);

    private static RunResult? Find(IReadOnlyList<RunResult> results, LoadShape shape, string target) =>
        results.FirstOrDefault(r => r.Shape == shape && r.Target == target && r.Completed > 0);

    private static string Row(string check, string measured, string target, bool met) =>
        $"| {check} | {measured} | {target} | {(met ? "yes" : "**no**")} |";

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
