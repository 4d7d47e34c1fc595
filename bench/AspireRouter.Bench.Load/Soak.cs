using System.Globalization;
using System.Text;

namespace AspireRouter.Bench.Load;

/// <summary>
/// The memory soak: the gateway under a fixed rate for a long while, its resident memory sampled every
/// 15 s; the first minute is warm-up, growth is measured from its end to the last sample.
/// </summary>
public static class Soak
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(1);

    public static async Task<string> RunAsync(Target gateway, double rate, TimeSpan duration)
    {
        using var client = LoadRunner.NewClient(1024);
        var runner = new LoadRunner(client);
        var samples = new List<(TimeSpan At, long Rss)>();
        var load = runner.RunAsync(gateway, new LoadShape(0, rate, false, duration, TimeSpan.Zero), []);
        var started = DateTime.UtcNow;
        while (!load.IsCompleted)
        {
            await Task.WhenAny(load, Task.Delay(Interval));
            if (ProcessSample.Read(gateway.Pid) is { } sample)
            {
                samples.Add((DateTime.UtcNow - started, sample.RssBytes));
            }
        }

        var result = await load;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Soak: gateway at {rate:0} req/s for {duration.TotalMinutes:0.#} min: {result.Completed} requests, {result.Errors} errors, p50 {SuiteReport.Ms(result.P50)} ms, p99 {SuiteReport.Ms(result.P99)} ms.");
        text.AppendLine();
        text.AppendLine("| at | gateway RSS MB |");
        text.AppendLine("| ---: | ---: |");
        foreach (var (at, rss) in samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {at:mm\\:ss} | {rss / 1048576.0:0.0} |");
        }

        var afterWarmUp = samples.Where(s => s.At >= WarmUp).ToList();
        if (afterWarmUp.Count >= 2)
        {
            var growth = (afterWarmUp[^1].Rss - afterWarmUp[0].Rss) / 1048576.0;
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Growth after warm-up: {growth:+0.0;-0.0;0.0} MB (max {afterWarmUp.Max(s => s.Rss) / 1048576.0:0.0} MB).");
        }

        return text.ToString();
    }
}
