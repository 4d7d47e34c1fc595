using System.Diagnostics;
using System.Globalization;

namespace AspireRouter.Bench.Load;

/// <summary>
/// Issue 14's brownout table: each scenario's faults set on the two provider simulators, then the same closed-loop
/// workload through the gateway and through the port of the seed's router, one after the other. A run of scenarios
/// chained with "right after" goes through the gateway back to back, then through the seed router (which keeps no
/// state between requests); an independent scenario starts from a reset gateway (<see cref="BrownoutControl"/>).
/// </summary>
public static class Brownout
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var duration = TimeSpan.FromSeconds(arguments.Number("duration", 15));
        // Longer than the gateway's retry-throttle window (60 s) takes to forget the previous scenario's successes,
        // so that the second half of the run is the steady state the amplification check is about.
        var amplificationDuration = TimeSpan.FromSeconds(arguments.Number("amplification-duration", 60));
        var warmup = TimeSpan.FromSeconds(arguments.Number("warmup", 5));
        var clients = (int)arguments.Number("clients", 24);
        var seed = (int)arguments.Number("seed", 42);
        var scenarios = Select(BrownoutScenarios.All, arguments.Get("scenarios"));
        var simulators = arguments.All("simulator").Select(Named).ToDictionary(p => p.Name, p => new Uri(p.Value), StringComparer.Ordinal);
        var seedEndpoints = arguments.All("seed-endpoint").Select(Named).ToDictionary(p => p.Name, p => new Uri(p.Value), StringComparer.Ordinal);

        using var http = LoadRunner.NewClient(clients * 2);
        await using var control = await BrownoutControl.ConnectAsync(http, simulators, arguments.Required("redis"));
        using var seedRouter = new SeedRouter(seedEndpoints[FaultSetting.Global], seedEndpoints[FaultSetting.Cn], "bench-key");
        IBrownoutRouter[] routers = [new GatewayRouter(http, new Uri(arguments.Required("gateway"))), seedRouter];

        Console.Error.WriteLine($"  brownout: warm-up {warmup.TotalSeconds:0} s per router, healthy, not measured");
        await control.ResetAsync();
        foreach (var router in routers)
        {
            await RunClosedLoopAsync(router, clients, seed, warmup);
        }

        var runs = new List<BrownoutRun>();
        foreach (var sequence in Sequences(scenarios))
        {
            foreach (var router in routers)
            {
                await control.ResetAsync();
                foreach (var scenario in sequence)
                {
                    await control.SetFaultsAsync(scenario.Faults);
                    var length = scenario.Amplification ? amplificationDuration : duration;
                    var run = new BrownoutRun(scenario, router.Name, length, await RunClosedLoopAsync(router, clients, seed, length));
                    runs.Add(run);
                    var slowest = run.Outcomes.Where(o => o.Ok).OrderByDescending(o => o.Ms).Take(Math.Max(1, run.Requests / 50)).ToList();
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    slowest 2 % ({slowest.LastOrDefault()?.Ms:0} ms and above), served by: {string.Join(", ", slowest.GroupBy(o => $"{o.Category} {o.Route ?? "?"}").OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()} ({g.Average(o => o.Attempts):0.#} attempts)"))}"));
                    var served = run.Outcomes.Where(o => o.Ok && o.Route is not null).GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
                        .Select(g => $"{g.Key}: {string.Join(" ", g.GroupBy(o => o.Route).OrderByDescending(r => r.Count()).Select(r => $"{r.Key} {100.0 * r.Count() / g.Count():0}%"))}");
                    if (served.Any())
                    {
                        Console.Error.WriteLine($"    served by: {string.Join("; ", served)}");
                    }

                    foreach (var outcome in slowest.Where(o => o.Reason is not null).Take(3))
                    {
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {outcome.Ms:0} ms, {outcome.Attempts} attempts: {outcome.Reason}"));
                    }
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  brownout: {scenario.Name} / {router.Name}: {run.Requests} requests, {BrownoutReport.Percent(run.SuccessRate)} ok, {run.AttemptsPerRequest:0.00} attempts/req, p99 by category: {string.Join(", ", run.Outcomes.GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {LatencySamples.Percentile([.. g.Select(o => o.Ms).Order()], 99):0}"))} ms"));
                }
            }
        }

        await control.ClearFaultsAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clients} closed-loop clients, {duration.TotalSeconds:0} s per scenario and router ({amplificationDuration.TotalSeconds:0} s under 100 % errors), gateway first, mix {string.Join(" / ", BrownoutWorkload.Shares.Select(s => $"{s.Category} {s.Share:P0}"))}, {BrownoutWorkload.StreamShare:P0} streamed, max_tokens {BrownoutRequest.MaxTokens}; latency from send to last byte, every request."));
        Console.WriteLine();
        Console.WriteLine(BrownoutReport.Format(runs));
        return 0;
    }

    /// <summary>
    /// Scenarios grouped so that each group starts with an independent scenario and holds the "right after" ones that
    /// follow it.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<BrownoutScenario>> Sequences(IReadOnlyList<BrownoutScenario> scenarios)
    {
        var sequences = new List<List<BrownoutScenario>>();
        foreach (var scenario in scenarios)
        {
            if (scenario.AfterPrevious && sequences.Count > 0)
            {
                sequences[^1].Add(scenario);
            }
            else
            {
                sequences.Add([scenario]);
            }
        }

        return sequences;
    }

    /// <summary>
    /// The scenarios named by <paramref name="filter"/> (1-based positions, comma-separated), with every scenario a
    /// chosen "right after" one follows, so it still runs on the state it is about; all when there is no filter.
    /// </summary>
    public static IReadOnlyList<BrownoutScenario> Select(IReadOnlyList<BrownoutScenario> scenarios, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return scenarios;
        }

        var chosen = filter.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture) - 1).ToHashSet();
        for (var i = scenarios.Count - 1; i > 0; i--)
        {
            if (chosen.Contains(i) && scenarios[i].AfterPrevious)
            {
                chosen.Add(i - 1);
            }
        }

        return [.. scenarios.Where((_, i) => chosen.Contains(i))];
    }

    /// <summary>
    /// <paramref name="clients"/> clients sending back to back for <paramref name="duration"/>; requests in flight at
    /// the end are waited for and counted. Client <c>i</c> draws its requests from seed + i.
    /// </summary>
    private static async Task<IReadOnlyList<BrownoutOutcome>> RunClosedLoopAsync(IBrownoutRouter router, int clients, int seed, TimeSpan duration)
    {
        // A hard stop well past any category's deadline, so a hung request cannot hold the benchmark.
        using var stop = new CancellationTokenSource(duration + TimeSpan.FromMinutes(3));
        var started = Stopwatch.GetTimestamp();
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var workload = new BrownoutWorkload(seed + client);
            var outcomes = new List<BrownoutOutcome>();
            while (Stopwatch.GetElapsedTime(started) is var elapsed && elapsed < duration)
            {
                var request = workload.Next();
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    outcomes.Add(await router.SendAsync(request, elapsed, stop.Token));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    outcomes.Add(new BrownoutOutcome(request.Category, elapsed, false, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, 0, Failure: "still running at the hard stop"));
                    break;
                }
            }

            return outcomes;
        })));
        return [.. perClient.SelectMany(o => o)];
    }

    private static (string Name, string Value) Named(string spec) =>
        spec.IndexOf('=', StringComparison.Ordinal) is var equals and > 0
            ? (spec[..equals], spec[(equals + 1)..])
            : throw new ArgumentException($"'{spec}' is not name=value.");
}
