using System.Diagnostics;
using System.Globalization;
using AspireRouter.Gateway.Breakers;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>
/// How long breakers take to open and to recover with the default options: two gateway instances sharing the real
/// Redis, each syncing every second (half a second apart), requests spread over both at a steady rate, simulated on a
/// fake clock. The numbers are written to the test output; the assertions hold the headline figures.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class BreakerTimingTests(RedisServerFixture redis, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ConnectionMultiplexer> _connections = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(10, 100)]
    [InlineData(100, 100)]
    [InlineData(10, 10_000)]
    public async Task HardOutage_OpensAfterFiveFailures(int rps, int failureLatencyMs)
    {
        var run = await SimulateAsync(rps, TimeSpan.FromMilliseconds(failureLatencyMs), healthyFrom: null, TimeSpan.FromSeconds(25));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rps} rps, failures after {failureLatencyMs} ms: open after {run.FailuresAtOpen} failures, {run.OpenedAfter!.Value.TotalSeconds:0.###} s after the outage began; "
            + $"{run.SentWhileDown} attempts reached the dead provider in all ({run.SentAfterOpen} admitted after the breaker opened, by the instance that had not synced yet)."));
        Assert.Equal(5, run.FailuresAtOpen);
        var expected = TimeSpan.FromMilliseconds(failureLatencyMs) + TimeSpan.FromSeconds(4.0 / rps); // the fifth failure's answer
        Assert.InRange(run.OpenedAfter!.Value, expected - TimeSpan.FromMilliseconds(1), expected + TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(45)]
    public async Task Recovery_ClosesAfterThreeTrials(int healthyAfterSeconds)
    {
        var run = await SimulateAsync(10, TimeSpan.FromMilliseconds(100), healthyFrom: TimeSpan.FromSeconds(healthyAfterSeconds), TimeSpan.FromMinutes(3));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"10 rps, 100 ms answers, provider back after {healthyAfterSeconds} s: opened at {run.OpenedAfter!.Value.TotalSeconds:0.###} s, "
            + $"{run.FailedTrials} failed trial(s), closed at {run.ClosedAfter!.Value.TotalSeconds:0.###} s ({(run.ClosedAfter.Value - TimeSpan.FromSeconds(healthyAfterSeconds)).TotalSeconds:0.###} s after it was back), "
            + $"both instances saw it closed at {run.AllClosedAfter!.Value.TotalSeconds:0.###} s."));
        Assert.NotNull(run.ClosedAfter);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.8)]
    public async Task IntermittentFailures_AtFiftyRequestsASecond(double failureRate)
    {
        var random = new Random(42);
        var run = await SimulateAsync(50, TimeSpan.FromMilliseconds(100), healthyFrom: null, TimeSpan.FromMinutes(10), _ => random.NextDouble() < failureRate);

        // Five failures in a row start at a rate of R·(1−p)·p⁵ per second: what a run-of-five breaker would trip on.
        var strict = 50 * (1 - failureRate) * Math.Pow(failureRate, 5) * 600;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"50 rps over 10 min, {failureRate:P0} of attempts failing at random: opened {run.Opens} time(s), first at {run.OpenedAfter?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) ?? "never"} s "
            + $"(a breaker tripping on five in a row would have tripped ~{strict:0.#} time(s))."));
        if (failureRate < 0.5)
        {
            Assert.Equal(0, run.Opens); // a model that mostly answers stays in rotation
        }
        else
        {
            Assert.NotNull(run.OpenedAfter);
            Assert.True(run.OpenedAfter < TimeSpan.FromSeconds(2), $"opened after {run.OpenedAfter}");
        }
    }

    [Fact]
    public async Task RedisCallsOnTheRequestPath_TakeWellUnderAMillisecond()
    {
        var connection = await redis.Server.ConnectAsync(redis.Server.NextDatabase());
        _connections.Add(connection);
        var breakers = BreakerTestKit.Create(TimeProvider.System, () => connection, new CircuitBreakerOptions { FailureThreshold = 1000 });
        await breakers.SyncAsync(CancellationToken.None);
        await breakers.FailAsync(100); // warm up (script load, JIT); 600 failures stay under the threshold of 1000

        var clock = Stopwatch.StartNew();
        await breakers.FailAsync(500);
        var perFailure = clock.Elapsed / 500;
        clock.Restart();
        await breakers.SucceedAsync(20); // the window is no longer young: the next successes are counted locally
        clock.Restart();
        await breakers.SucceedAsync(100_000);
        var perCleanSuccess = clock.Elapsed / 100_000;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Recording a failure (one Lua call to a local redis-server): {perFailure.TotalMicroseconds:0} µs; admitting and recording a success on a clean breaker: {perCleanSuccess.TotalMicroseconds:0.##} µs."));
        Assert.True(breakers.IsShared);
        Assert.True(perFailure < TimeSpan.FromMilliseconds(5));
    }

    private sealed class Run
    {
        public int FailuresAtOpen { get; set; }
        public TimeSpan? OpenedAfter { get; set; }
        public TimeSpan? ClosedAfter { get; set; }
        public TimeSpan? AllClosedAfter { get; set; }
        public int Opens { get; set; }
        public int FailedTrials { get; set; }
        public int SentWhileDown { get; set; }
        public int SentAfterOpen { get; set; }
    }

    /// <summary>
    /// Requests at <paramref name="rps"/> alternate between two instances; each attempt answers after
    /// <paramref name="latency"/>, failing while the provider is down (until <paramref name="healthyFrom"/>, or as
    /// <paramref name="fails"/> says).
    /// </summary>
    private async Task<Run> SimulateAsync(int rps, TimeSpan latency, TimeSpan? healthyFrom, TimeSpan duration, Func<TimeSpan, bool>? fails = null)
    {
        fails ??= at => healthyFrom is null || at < healthyFrom;
        var time = BreakerTestKit.Clock();
        var start = time.GetUtcNow();
        var database = redis.Server.NextDatabase();
        var instances = new List<CircuitBreakers>();
        for (var i = 0; i < 2; i++)
        {
            var connection = await redis.Server.ConnectAsync(database);
            _connections.Add(connection);
            var breakers = BreakerTestKit.Create(time, () => connection);
            await breakers.SyncAsync(CancellationToken.None);
            instances.Add(breakers);
        }

        var run = new Run();
        var events = new PriorityQueue<Func<Task>, (TimeSpan At, long Order)>();
        long order = 0;
        void At(TimeSpan at, Func<Task> action) => events.Enqueue(action, (at, order++));

        var interval = TimeSpan.FromSeconds(1.0 / rps);
        for (var (at, i) = (TimeSpan.Zero, 0); at < duration; at += interval, i++)
        {
            var instance = instances[i % instances.Count];
            var sentAt = at;
            At(sentAt, async () =>
            {
                var admission = await instance.AdmitAsync();
                if (!admission.Allowed)
                {
                    return;
                }

                var failed = fails(sentAt);
                run.SentWhileDown += failed ? 1 : 0;
                run.SentAfterOpen += failed && run.OpenedAfter is not null && !admission.IsTrial ? 1 : 0;
                At(sentAt + latency, async () =>
                {
                    var before = instance.StatusOf().State;
                    await instance.RecordAsync(admission, failed ? BreakerOutcome.Failure : BreakerOutcome.Success);
                    var after = instance.StatusOf().State;
                    var now = time.GetUtcNow() - start;
                    run.FailedTrials += admission.IsTrial && failed ? 1 : 0;
                    if (after == BreakerState.Open && before != BreakerState.Open)
                    {
                        run.Opens++;
                        run.OpenedAfter ??= now;
                    }

                    if (run.FailuresAtOpen == 0 && after == BreakerState.Open)
                    {
                        run.FailuresAtOpen = await FailuresInWindowAsync();
                    }

                    if (after == BreakerState.Closed && before == BreakerState.HalfOpen)
                    {
                        run.ClosedAfter ??= now;
                    }
                });
            });
        }

        for (var (at, i) = (TimeSpan.Zero, 0); at < duration; at += TimeSpan.FromSeconds(1), i++)
        {
            for (var n = 0; n < instances.Count; n++)
            {
                var instance = instances[n];
                At(at + TimeSpan.FromSeconds(0.5 * n), async () =>
                {
                    await instance.SyncAsync(CancellationToken.None);
                    if (run.ClosedAfter is not null && run.AllClosedAfter is null && instances.All(b => b.StatusOf().State == BreakerState.Closed))
                    {
                        run.AllClosedAfter = time.GetUtcNow() - start;
                    }
                });
            }
        }

        while (events.TryDequeue(out var action, out var when))
        {
            if (start + when.At > time.GetUtcNow())
            {
                time.SetUtcNow(start + when.At);
            }

            await action();
        }

        return run;

        async Task<int> FailuresInWindowAsync()
        {
            var hash = await _connections[^1].GetDatabase().HashGetAllAsync(new BreakerKey(BreakerTestKit.Model, BreakerTestKit.Region).RedisKey);
            return (int)hash.Where(e => ((string)e.Name!).StartsWith("f:", StringComparison.Ordinal)).Sum(e => (long)e.Value);
        }
    }
}
