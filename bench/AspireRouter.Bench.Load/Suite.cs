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
        // A level of 0 leaves that row out (e.g. --concurrency 0 --stream-concurrency 0 --stream-rate 0: the fixed rate only).
        foreach (var concurrency in arguments.Numbers("concurrency", [1, 32, 128]).Where(c => c > 0))
        {
            shapes.Add(new LoadShape(concurrency, 0, false, duration, warmup));
        }

        if (arguments.Number("rate", 1000) is var rate and > 0)
        {
            shapes.Add(new LoadShape(0, rate, false, duration, warmup));
        }

        if (arguments.Numbers("stream-concurrency", [32])[0] is var streams and > 0)
        {
            shapes.Add(new LoadShape(streams, 0, true, duration, warmup));
        }

        if (arguments.Number("stream-rate", 500) is var streamRate and > 0)
        {
            shapes.Add(new LoadShape(0, streamRate, true, duration, warmup));
        }

        // Settle: every target under load for a while before anything is measured. A runtime with tiered JIT (.NET)
        // keeps compiling its hot paths for tens of seconds under load; measuring during that charges warm-up to the
        // first rows. Then each load runs in rounds, the targets one after the other in a rotating order, so a change
        // of the machine's speed during the run (other work, throttling) falls on every target alike.
        var settle = TimeSpan.FromSeconds(arguments.Number("settle", 20));
        var rounds = Math.Max(1, (int)arguments.Number("rounds", 3));
        if (settle > TimeSpan.Zero)
        {
            foreach (var target in targets)
            {
                using var client = LoadRunner.NewClient(32);
                await new LoadRunner(client).SettleAsync(target, 32, settle);
                Console.Error.WriteLine($"  settled {target.Name} ({settle.TotalSeconds:0} s at 32 connections, half of it streaming)");
            }
        }

        var results = new List<RunResult>();
        foreach (var shape in shapes)
        {
            var perTarget = targets.ToDictionary(t => t.Name, _ => new List<RunResult>());
            for (var round = 0; round < rounds; round++)
            {
                var roundShape = shape with
                {
                    Duration = shape.Duration / rounds,
                    Warmup = round == 0 ? shape.Warmup : TimeSpan.FromSeconds(Math.Min(1, shape.Warmup.TotalSeconds)),
                };
                foreach (var target in targets.Skip(round % targets.Count).Concat(targets.Take(round % targets.Count)))
                {
                    using var client = LoadRunner.NewClient(shape.OpenLoop ? 1024 : shape.Concurrency);
                    perTarget[target.Name].Add(await new LoadRunner(client).RunAsync(target, roundShape, processes));
                }
            }

            foreach (var target in targets)
            {
                var result = RunResult.Merge(shape, perTarget[target.Name]);
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
