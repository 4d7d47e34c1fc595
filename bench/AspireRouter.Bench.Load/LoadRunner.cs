using System.Diagnostics;
using System.Net;

namespace AspireRouter.Bench.Load;

/// <summary>How a run loads its target: a fixed number of connections each sending back to back, or a fixed rate.</summary>
public sealed record LoadShape(int Concurrency, double Rate, bool Stream, TimeSpan Duration, TimeSpan Warmup)
{
    public bool OpenLoop => Rate > 0;

    public string Label => (OpenLoop ? $"{Rate:0} req/s" : $"{Concurrency} conn") + (Stream ? ", stream" : "");
}

/// <summary>What one run measured (<see cref="Seconds"/>: its measured time).</summary>
public sealed record RunResult(string Target, LoadShape Shape, int Completed, int Errors, double RequestsPerSecond, double[] SortedMs, double CpuPercent, long PeakRssBytes, double Seconds = 0)
{
    public double P50 => LatencySamples.Percentile(SortedMs, 50);
    public double P99 => LatencySamples.Percentile(SortedMs, 99);

    /// <summary>The rounds a merged result was made of (empty for a single run).</summary>
    public IReadOnlyList<RunResult> Rounds { get; init; } = [];

    /// <summary>
    /// One result from the rounds of one target under one load, reported as <paramref name="shape"/>: requests and
    /// time add up (req/s = all requests / all measured time), the latencies are pooled, CPU % is time-weighted and
    /// peak RSS is the largest of the rounds.
    /// </summary>
    public static RunResult Merge(LoadShape shape, IReadOnlyList<RunResult> rounds)
    {
        var seconds = rounds.Sum(r => r.Seconds);
        var completed = rounds.Sum(r => r.Completed);
        var pooled = rounds.SelectMany(r => r.SortedMs).ToArray();
        Array.Sort(pooled);
        var cpu = seconds > 0 ? rounds.Sum(r => r.CpuPercent * r.Seconds) / seconds : double.NaN;
        return new RunResult(rounds[0].Target, shape, completed, rounds.Sum(r => r.Errors), seconds > 0 ? completed / seconds : 0,
            pooled, cpu, rounds.Max(r => r.PeakRssBytes), seconds) { Rounds = rounds };
    }
}

/// <summary>
/// Drives one target. Closed loop: <see cref="LoadShape.Concurrency"/> workers send back to back. Open loop: a
/// request is due every 1/rate s and its latency runs from when it was due, not from when it could be sent, so a
/// slow server is charged for the requests it delayed (no coordinated omission). For streams the latency is the
/// time to the first body byte; the rest of the stream is read but not timed.
/// </summary>
public sealed class LoadRunner(HttpMessageInvoker client)
{
    /// <summary>Open-loop requests in flight beyond which the run counts the excess as errors instead of piling up.</summary>
    private const int MaxInFlight = 2048;

    public static HttpMessageInvoker NewClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    });

    public async Task<RunResult> RunAsync(Target target, LoadShape shape, IReadOnlyList<WatchedProcess> watched)
    {
        var body = target.Body(shape.Stream);
        var warm = new Measurement();
        await (shape.OpenLoop ? OpenLoopAsync(target, shape, body, shape.Warmup, warm) : ClosedLoopAsync(target, shape, body, shape.Warmup, warm));

        var before = ProcessSample.Read(target.Pid);
        var measured = new Measurement();
        var started = Stopwatch.GetTimestamp();
        using var peak = new PeakRssSampler(target.Pid);
        await (shape.OpenLoop ? OpenLoopAsync(target, shape, body, shape.Duration, measured) : ClosedLoopAsync(target, shape, body, shape.Duration, measured));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = ProcessSample.Read(target.Pid);
        var cpu = before is { } b && after is { } a ? (a.CpuSeconds - b.CpuSeconds) / elapsed * 100 : double.NaN;
        return new RunResult(target.Name, shape, measured.Samples.Count, measured.Errors, measured.Samples.Count / elapsed,
            measured.Samples.SortedMilliseconds(), cpu, peak.Peak, elapsed);
    }

    /// <summary>Unmeasured load, so every target's JIT has tiered its hot paths up before anything is measured.</summary>
    public async Task SettleAsync(Target target, int concurrency, TimeSpan duration)
    {
        var half = duration / 2;
        await ClosedLoopAsync(target, new LoadShape(concurrency, 0, false, half, TimeSpan.Zero), target.Body(false), half, new Measurement());
        await ClosedLoopAsync(target, new LoadShape(concurrency, 0, true, half, TimeSpan.Zero), target.Body(true), half, new Measurement());
    }

    private async Task ClosedLoopAsync(Target target, LoadShape shape, byte[] body, TimeSpan duration, Measurement into)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, shape.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                await SendAsync(target, body, shape.Stream, start, into);
            }
        }));
        await Task.WhenAll(workers);
    }

    private async Task OpenLoopAsync(Target target, LoadShape shape, byte[] body, TimeSpan duration, Measurement into)
    {
        var interval = Stopwatch.Frequency / shape.Rate;
        var total = (long)(shape.Rate * duration.TotalSeconds);
        var origin = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>((int)Math.Min(total, 1 << 20));
        var active = 0;
        for (long i = 0; i < total; i++)
        {
            var due = origin + (long)(i * interval);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                // Sleep to about the due time; requests that fell due meanwhile go out at once, timed from when they were due.
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            if (Volatile.Read(ref active) >= MaxInFlight)
            {
                into.Error();
                continue;
            }

            Interlocked.Increment(ref active);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await SendAsync(target, body, shape.Stream, due, into);
                }
                finally
                {
                    Interlocked.Decrement(ref active);
                }
            }));
        }

        await Task.WhenAll(inFlight);
    }

    private async Task SendAsync(Target target, byte[] body, bool stream, long timedFrom, Measurement into)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            using var request = target.NewRequest(body);
            using var response = await client.SendAsync(request, CancellationToken.None);
            await using var content = await response.Content.ReadAsStreamAsync();
            var first = await content.ReadAsync(buffer);
            var firstByte = Stopwatch.GetTimestamp();
            var ok = response.IsSuccessStatusCode && first > 0 && (!stream || buffer.AsSpan(0, first).StartsWith("data:"u8));
            while (await content.ReadAsync(buffer) > 0)
            {
            }

            var done = Stopwatch.GetTimestamp();
            if (ok)
            {
                into.Samples.Add((stream ? firstByte : done) - timedFrom);
            }
            else
            {
                into.Error();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            into.Error();
        }
    }

    private sealed class Measurement
    {
        private int _errors;

        public LatencySamples Samples { get; } = new();
        public int Errors => Volatile.Read(ref _errors);
        public void Error() => Interlocked.Increment(ref _errors);
    }
}

/// <summary>Samples a process's resident memory every 250 ms while a run lasts; <see cref="Peak"/> is the largest seen.</summary>
public sealed class PeakRssSampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakRssSampler(int pid)
    {
        _timer = new Timer(_ =>
        {
            if (ProcessSample.Read(pid) is { } sample && sample.RssBytes > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, sample.RssBytes);
            }
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    public long Peak => Interlocked.Read(ref _peak);

    public void Dispose() => _timer.Dispose();
}
