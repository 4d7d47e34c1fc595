using System.Globalization;

namespace AspireRouter.Bench.Load;

/// <summary>The side-by-side comparison: every target under the same loads, one after the other, then the table.</summary>
public static class Suite
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var upstreamBase = arguments.Required("upstream-base");
        var targets = arguments.All("target").Select(t => Target.Parse(t, upstreamBase)).ToList();
        var processes = arguments.All("process").Select(ParseProcess).ToList();
        var duration = TimeSpan.FromSeconds(arguments.Number("duration", 10));
        var warmup = TimeSpan.FromSeconds(arguments.Number("warmup", 3));
        var shapes = new List<LoadShape>();
        foreach (var concurrency in arguments.Numbers("concurrency", [1, 32, 128]))
        {
            shapes.Add(new LoadShape(concurrency, 0, false, duration, warmup));
        }

        shapes.Add(new LoadShape(0, arguments.Number("rate", 1000), false, duration, warmup));
        shapes.Add(new LoadShape(arguments.Numbers("stream-concurrency", [32])[0], 0, true, duration, warmup));
        shapes.Add(new LoadShape(0, arguments.Number("stream-rate", 500), true, duration, warmup));

        var results = new List<RunResult>();
        foreach (var shape in shapes)
        {
            foreach (var target in targets)
            {
                using var client = LoadRunner.NewClient(shape.OpenLoop ? 1024 : shape.Concurrency);
                var result = await new LoadRunner(client).RunAsync(target, shape, processes);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {shape.Label,-22} {target.Name,-8} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50,7:0.00} ms  p99 {result.P99,7:0.00} ms  errors {result.Errors}"));
                results.Add(result);
            }
        }

        var soak = arguments.Number("soak", 0);
        string? soakReport = null;
        if (soak > 0 && targets.FirstOrDefault(t => t.Name == Target.Gateway) is { } gateway)
        {
            soakReport = await Soak.RunAsync(gateway, arguments.Number("rate", 1000), TimeSpan.FromSeconds(soak));
        }

        var samples = processes
            .Select(p => (p.Name, Sample: ProcessSample.Read(p.Pid)))
            .Where(p => p.Sample is not null)
            .Select(p => (p.Name, p.Sample!.Value))
            .ToList();
        Console.WriteLine(SuiteReport.Format(results, samples));
        if (soakReport is not null)
        {
            Console.WriteLine(soakReport);
        }

        return 0;
    }

    private static WatchedProcess ParseProcess(string spec)
    {
        var equals = spec.IndexOf('=', StringComparison.Ordinal);
        return new WatchedProcess(spec[..equals], int.Parse(spec[(equals + 1)..], CultureInfo.InvariantCulture));
    }
}
