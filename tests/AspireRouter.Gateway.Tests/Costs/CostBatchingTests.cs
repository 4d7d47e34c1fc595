using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Costs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>The emitter lets a batch fill for <see cref="CostOptions.BatchLinger"/> before one pipelined send (real Redis).</summary>
[Collection(RedisCollection.Name)]
public sealed class CostBatchingTests(RedisServerFixture redis) : IDisposable
{
    private readonly string _spool = Directory.CreateTempSubdirectory("ar-cost-batching-").FullName;

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    private static RequestCostRecorded Event(int i) => new()
    {
        RequestId = $"req-batch-{i}",
        OccurredAt = DateTimeOffset.UnixEpoch,
        Team = "search",
        Category = "light",
        RequestedModel = "light",
        GatewayRegion = "global",
        Outcome = "success",
    };

    private (CostEmitter Emitter, CostEmitterService Service) Create(IConnectionMultiplexer connection, TimeProvider time, CostOptions options)
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var metrics = new CostMetrics(meters);
        var loss = new CostLoss(metrics, time, NullLogger<CostLoss>.Instance);
        var spool = new CostSpool(_spool, metrics, loss, NullLogger<CostSpool>.Instance);
        var spooler = new CostSpooler(spool, loss, Options.Create(options));
        var emitter = new CostEmitter(Options.Create(options), spooler, loss, metrics);
        // Never started: without a measurement the backpressure never holds back.
        var backpressure = new CostBackpressure(() => connection, spool, metrics, Options.Create(new CostBacklogOptions()), Options.Create(options), time, NullLogger<CostBackpressure>.Instance);
        var service = new CostEmitterService(emitter, spool, spooler, backpressure, () => connection, Options.Create(options), metrics, time, NullLogger<CostEmitterService>.Instance);
        return (emitter, service);
    }

    private static Task<long> LengthAsync(IDatabase database, long expected) =>
        Eventually.ValueAsync(() => database.StreamLengthAsync(CostStream.Name), length => length >= expected,
            $"{expected} events in the stream", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));

    /// <summary>A fake clock that records the due time of each timer started on it.</summary>
    private sealed class WatchedClock() : FakeTimeProvider(DateTimeOffset.UnixEpoch)
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> _dueTimes = new();

        public bool Started(TimeSpan dueTime) => _dueTimes.Contains(dueTime);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _dueTimes.Enqueue(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    [Fact]
    public async Task EventsWait_ForTheLinger_ThenGoTogether()
    {
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        var database = connection.GetDatabase(db);
        var time = new WatchedClock();
        var linger = TimeSpan.FromMilliseconds(50);
        var (emitter, service) = Create(connection, time, new CostOptions { SpoolDirectory = _spool, BatchLinger = linger });
        await service.StartAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            emitter.Emit(Event(i));
        }

        // The linger runs on the fake clock: once the emitter waits on it, nothing is sent while it has not passed.
        await Eventually.TrueAsync(() => time.Started(linger), "the emitter to start its linger on the fake clock", TimeSpan.FromSeconds(10));
        Assert.Equal(0, await database.StreamLengthAsync(CostStream.Name));

        time.Advance(linger);
        Assert.Equal(3, await LengthAsync(database, 3));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AFullBatch_AndShutdown_DoNotWaitForTheLinger()
    {
        var db = redis.Server.NextDatabase();
        await using var connection = await redis.Server.ConnectAsync(db);
        var database = connection.GetDatabase(db);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var (emitter, service) = Create(connection, time, new CostOptions { SpoolDirectory = _spool, BatchSize = 4, BatchLinger = TimeSpan.FromSeconds(1) });

        // Queued before the emitter starts: a full batch is there, so it goes without the (never advanced) linger.
        for (var i = 0; i < 4; i++)
        {
            emitter.Emit(Event(i));
        }

        await service.StartAsync(CancellationToken.None);
        Assert.Equal(4, await LengthAsync(database, 4));

        // One more, then stop: the shutdown drain sends it without waiting for the linger.
        emitter.Emit(Event(4));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await service.StopAsync(stop.Token);
        Assert.Equal(5, await database.StreamLengthAsync(CostStream.Name));
        Assert.Empty(Directory.EnumerateFiles(_spool, "*", SearchOption.AllDirectories));
    }
}
