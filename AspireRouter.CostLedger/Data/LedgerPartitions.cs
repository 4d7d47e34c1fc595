using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AspireRouter.CostLedger.Data;

/// <summary>
/// Keeps <c>cost_entries</c>' monthly partitions (<c>cost_entries_yyyy_MM</c>, UTC months of <c>occurred_at</c>) ahead
/// of time and drops those past the retention. Rows no monthly partition covers (a clock far off, a month not created
/// yet) land in <c>cost_entries_default</c>, so no event is refused for its date; creating a month moves its rows out of
/// the default partition in the same transaction. Replicas take turns under a transaction-level advisory lock.
/// </summary>
internal sealed partial class LedgerPartitions(
    IServiceScopeFactory scopes, LedgerSchema schema, IOptions<PartitionOptions> options, TimeProvider time,
    ILogger<LedgerPartitions> logger) : BackgroundService
{
    /// <summary>The lock a replica holds while it changes partitions ("AR_PARTS").</summary>
    public const long LockKey = 0x41525F5041525453;

    public const string DefaultPartition = "cost_entries_default";

    private readonly PartitionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MaintainAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogMaintenanceFailed(logger, ex);
            }

            await Task.Delay(_options.CheckInterval, time, stoppingToken);
        }
    }

    /// <summary>Creates the missing months from the current one to <see cref="PartitionOptions.MonthsAhead"/>, drops expired ones.</summary>
    internal async Task MaintainAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var today = time.GetUtcNow().UtcDateTime;
        var current = new DateOnly(today.Year, today.Month, 1);
        for (var i = 0; i <= _options.MonthsAhead; i++)
        {
            await CreateMonthAsync(connection, current.AddMonths(i), cancellationToken);
        }

        if (_options.RetentionMonths > 0)
        {
            await DropBeforeAsync(connection, current.AddMonths(-_options.RetentionMonths), cancellationToken);
        }
    }

    /// <summary>The partition of the month starting <paramref name="month"/>, created (with its rows moved out of the default partition) if missing.</summary>
    internal async Task CreateMonthAsync(NpgsqlConnection connection, DateOnly month, CancellationToken cancellationToken)
    {
        var name = NameOf(month);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockAsync(connection, cancellationToken) || await ExistsAsync(connection, name, cancellationToken))
        {
            return;
        }

        string from = Bound(month), to = Bound(month.AddMonths(1));
        await ExecuteAsync(connection, $"""
            SET LOCAL lock_timeout = '10s';
            CREATE TABLE {name} (LIKE cost_entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (DELETE FROM {DefaultPartition} WHERE occurred_at >= '{from}' AND occurred_at < '{to}' RETURNING *)
            INSERT INTO {name} SELECT * FROM moved;
            ALTER TABLE cost_entries ATTACH PARTITION {name} FOR VALUES FROM ('{from}') TO ('{to}');
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogCreated(logger, name);
    }

    /// <summary>Drops the monthly partitions that end on or before <paramref name="cutoff"/>, and older rows of the default partition.</summary>
    internal async Task DropBeforeAsync(NpgsqlConnection connection, DateOnly cutoff, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockAsync(connection, cancellationToken))
        {
            return;
        }

        var expired = (await MonthsAsync(connection, cancellationToken)).Where(m => m.AddMonths(1) <= cutoff).ToList();
        foreach (var month in expired)
        {
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = '10s'; DROP TABLE {NameOf(month)};", cancellationToken);
            LogDropped(logger, NameOf(month));
        }

        await ExecuteAsync(connection, $"DELETE FROM {DefaultPartition} WHERE occurred_at < '{Bound(cutoff)}'", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>First days of the months that have a partition.</summary>
    internal static async Task<List<DateOnly>> MonthsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'cost_entries'::regclass
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var months = new List<DateOnly>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (DateOnly.TryParseExact(reader.GetString(0), "'cost_entries_'yyyy'_'MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            {
                months.Add(month);
            }
        }

        return [.. months.Order()];
    }

    internal static string NameOf(DateOnly month) => $"cost_entries_{month:yyyy_MM}";

    private static string Bound(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";

    private static async Task<bool> LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({LockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        command.Parameters.AddWithValue("name", name);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "Created ledger partition {Partition}.")]
    private static partial void LogCreated(ILogger logger, string partition);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "Dropped ledger partition {Partition}: past the retention.")]
    private static partial void LogDropped(ILogger logger, string partition);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "Maintaining the ledger partitions failed; trying again at the next interval.")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
