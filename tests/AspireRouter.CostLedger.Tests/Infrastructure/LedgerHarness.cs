using System.Globalization;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Tests.Infrastructure;

/// <summary>
/// The ledger in-process (<see cref="WebApplicationFactory{TEntryPoint}"/>) on a Redis database and a PostgreSQL
/// database of its own, with short claim and retry intervals; helpers to publish events and read the ledger.
/// </summary>
public sealed class LedgerHarness : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly Dictionary<string, string> _settings;
    private WebApplicationFactory<Program>? _factory;
    private long _trimMarkers;

    private LedgerHarness(ConnectionMultiplexer redis, Dictionary<string, string> settings, string ledgerConnectionString)
    {
        _redis = redis;
        _settings = settings;
        LedgerConnectionString = ledgerConnectionString;
    }

    public IDatabase Redis => _redis.GetDatabase();
    public string LedgerConnectionString { get; }
    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("The ledger is not running.");

    /// <summary>Creates the databases; the ledger itself starts with <see cref="StartLedger"/>.</summary>
    public static async Task<LedgerHarness> CreateAsync(LedgerInfrastructure infrastructure, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = infrastructure.Redis.NextDatabase();
        var redis = await infrastructure.Redis.ConnectAsync(database);
        var ledgerConnectionString = infrastructure.Postgres.ConnectionString(await infrastructure.Postgres.CreateDatabaseAsync());
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = infrastructure.Redis.ConnectionString(database),
            ["ConnectionStrings:ledgerdb"] = ledgerConnectionString,
            ["Ingestion:ClaimMinIdle"] = "00:00:01",
            ["Ingestion:ClaimInterval"] = "00:00:00.200",
            ["Ingestion:PollInterval"] = "00:00:00.020",
            ["Ingestion:RetryMinDelay"] = "00:00:00.100",
            ["Ingestion:RetryMaxDelay"] = "00:00:01",
            ["Ingestion:LagRefreshInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
            // Report tests without keys see every team, as in local development; SpendScopeTests turn it off.
            ["Admin:AllowAnonymousReports"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return new LedgerHarness(redis, all, ledgerConnectionString);
    }

    /// <summary>Starts (or starts again, as a new process would: a new consumer name) the ledger.</summary>
    public HttpClient StartLedger(string? consumerName = null, ILoggerProvider? logs = null)
    {
        _factory = CreateReplica(consumerName, logs);
        return _factory.CreateClient();
    }

    /// <summary>
    /// A ledger process on the same databases, started by its first client or <c>Services</c> (a replica of its own
    /// consumer name); the caller disposes it. <paramref name="logs"/> captures its Information and higher entries.
    /// </summary>
    public WebApplicationFactory<Program> CreateReplica(string? consumerName = null, ILoggerProvider? logs = null) =>
        new LedgerFactory(new Dictionary<string, string>(_settings) { ["Ingestion:ConsumerName"] = consumerName ?? $"ledger-{Guid.NewGuid():N}" }, logs);

    /// <summary>Starts the ledger on Kestrel at a free loopback port (for a real browser) and returns its base address.</summary>
    public Uri StartLedgerServer()
    {
        var factory = CreateReplica();
        factory.UseKestrel(0);
        factory.StartServer();
        _factory = factory;
        return factory.ClientOptions.BaseAddress;
    }

    public async Task StopLedgerAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory = null;
        }
    }

    public Task<RedisValue> PublishAsync(RequestCostRecorded cost) =>
        Redis.StreamAddAsync(CostStream.Name, CostStream.EventField, JsonSerializer.Serialize(cost, CostJsonContext.Default.RequestCostRecorded));

    public Task<RedisValue> PublishRawAsync(string json) => Redis.StreamAddAsync(CostStream.Name, CostStream.EventField, json);

    public async Task PublishManyAsync(IEnumerable<RequestCostRecorded> costs)
    {
        var batch = Redis.CreateBatch();
        var adds = costs.Select(c => batch.StreamAddAsync(CostStream.Name, CostStream.EventField,
            JsonSerializer.Serialize(c, CostJsonContext.Default.RequestCostRecorded))).ToList();
        batch.Execute();
        await Task.WhenAll(adds);
    }

    public LedgerDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<LedgerDbContext>().UseNpgsql(LedgerConnectionString).Options);

    public async Task<long> CountRowsAsync()
    {
        await using var db = CreateDbContext();
        return await db.CostEntries.LongCountAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> PendingAsync()
    {
        if (!await Redis.KeyExistsAsync(CostStream.Name))
        {
            return 0;
        }

        var groups = await Redis.StreamGroupInfoAsync(CostStream.Name);
        return groups.FirstOrDefault(g => g.Name == CostStream.ConsumerGroup).PendingMessageCount;
    }

    /// <summary>
    /// Waits for <paramref name="condition"/> (default: 30 s). Errors of PostgreSQL and Redis mean "not yet": the ledger
    /// database may not exist or be migrated yet, a server may be coming back.
    /// </summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(condition, what, new Patience(timeout ?? TimeSpan.FromSeconds(30))
        {
            Interval = TimeSpan.FromMilliseconds(50),
            NotYet = static ex => ex is NpgsqlException or RedisException or InvalidOperationException,
        });

    /// <summary>
    /// Waits for a pass of the stream trimmer that starts after this call: the same pass trims the dead-letter stream just
    /// after <c>ar:costs</c>, so a dead letter older than the retention, added now, is gone once a pass has run; two such
    /// markers, one after the other, mean a whole pass (both trims) ran after the call. The markers' ids are the oldest
    /// possible (1-0, 2-0, …): for a test whose dead-letter stream holds no real entries.
    /// </summary>
    public async Task TrimPassAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var marker = await Redis.StreamAddAsync(CostStream.DeadLetter, "reason", "trim marker", messageId: $"{++_trimMarkers}-0");
            await EventuallyAsync(async () => (await Redis.StreamRangeAsync(CostStream.DeadLetter, marker, marker)).Length == 0, "a trim pass");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLedgerAsync();
        await _redis.DisposeAsync();
    }

    private sealed class LedgerFactory(IReadOnlyDictionary<string, string> settings, ILoggerProvider? logs) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (logs is null)
            {
                builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
                return;
            }

            builder.UseSetting("Logging:LogLevel:Default", "Information");
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(logs));
        }
    }
}
