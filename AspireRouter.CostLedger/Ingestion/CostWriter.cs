using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using AspireRouter.CostLedger.Pricing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>What one batch did to the ledger.</summary>
internal readonly record struct WriteResult(int Inserted, int Duplicates, DateTimeOffset? OldestOccurredAt);

/// <summary>
/// Writes a batch in one transaction and two round trips: a binary COPY of the batch into a temporary staging table,
/// then one statement that inserts the staged rows whose key is new (<c>ON CONFLICT DO NOTHING RETURNING</c>) and adds
/// exactly those returned rows to the daily rollups (one <c>INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE</c> per
/// rollup table). A request already in the ledger (or twice in the batch) is ignored, so replays, reclaims and two
/// consumers reading the same event are harmless. The key is (request id, occurred at): see <see cref="CostEntry"/>.
/// </summary>
internal sealed class CostWriter(LedgerDbContext db, BaselinePricer pricer, TimeProvider time)
{
    /// <summary>The columns written, in the order the COPY sends them.</summary>
    private static readonly string[] Columns =
    [
        "request_id", "correlation_id", "occurred_at", "day", "team", "\"user\"", "feature", "api_key_id", "category",
        "requested_model", "model", "region", "gateway_region", "outcome", "streamed", "attempts", "fallback", "hedged",
        "routing_reason", "residency", "latency_ms", "input_tokens", "cached_input_tokens", "output_tokens", "reasoning_tokens",
        "cost_usd", "baseline_cost_usd", "estimated", "attempt_costs", "recorded_at", "stream_entry_id",
    ];

    private static readonly string ColumnList = string.Join(", ", Columns);

    // recorded_at is the moment of the insert (after the COPY), so recorded_at - occurred_at is the end-to-end lag.
    private static readonly string StagedList = ColumnList.Replace("recorded_at", "clock_timestamp()", StringComparison.Ordinal);

    // ON COMMIT DROP: the staging table lives for one transaction, so a pooled connection never carries it over.
    private static readonly string CreateStaging = "CREATE TEMP TABLE cost_staging (LIKE cost_entries INCLUDING DEFAULTS) ON COMMIT DROP";

    private static readonly string Copy = $"COPY cost_staging ({ColumnList}) FROM STDIN (FORMAT BINARY)";

    /// <summary>The counters every rollup adds to (<see cref="RollupTotals"/>): in the database, so concurrent writers never lose counts.</summary>
    private static readonly string Increments = string.Join(", ",
        new[] { "requests", "input_tokens", "cached_input_tokens", "output_tokens", "reasoning_tokens", "cost_usd" }.Select(c => $"{c} = r.{c} + excluded.{c}"));

    // Rollup rows are inserted in key order: two consumers adding to the same rollups lock them in the same order.
    private static readonly string InsertAndRollUp = $"""
        WITH inserted AS (
            INSERT INTO cost_entries ({ColumnList})
            SELECT {StagedList} FROM cost_staging
            ON CONFLICT DO NOTHING
            RETURNING occurred_at, day, team, "user", feature, api_key_id, category, model, region,
                input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, baseline_cost_usd
        ), by_model AS (
            INSERT INTO daily_rollups AS r (day, team, category, model, requests, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, baseline_cost_usd)
            SELECT day, team, category, coalesce(model, '{DailyRollup.NoModel}'), count(*), sum(input_tokens), sum(cached_input_tokens),
                sum(output_tokens), sum(reasoning_tokens), sum(cost_usd), sum(baseline_cost_usd)
            FROM inserted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            ON CONFLICT (day, team, category, model) DO UPDATE SET {Increments}, baseline_cost_usd = r.baseline_cost_usd + excluded.baseline_cost_usd
        ), by_dimension AS (
            INSERT INTO daily_dimension_rollups AS r (dimension, day, team, value, requests, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd)
            SELECT d.dimension, i.day, i.team, coalesce(d.value, '{DailyRollup.NoModel}'), count(*), sum(i.input_tokens), sum(i.cached_input_tokens),
                sum(i.output_tokens), sum(i.reasoning_tokens), sum(i.cost_usd)
            FROM inserted i
            CROSS JOIN LATERAL (VALUES ('{DimensionRollup.User}', i."user"), ('{DimensionRollup.Feature}', i.feature), ('{DimensionRollup.Region}', i.region), ('{DimensionRollup.Key}', i.api_key_id)) AS d(dimension, value)
            GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            ON CONFLICT (dimension, day, team, value) DO UPDATE SET {Increments}
        )
        SELECT count(*)::int, min(occurred_at) FROM inserted
        """;

    public async Task<WriteResult> WriteAsync(IReadOnlyList<(string StreamId, RequestCostRecorded Event)> batch, CancellationToken cancellationToken)
    {
        var unique = batch.DistinctBy(e => e.Event.RequestId, StringComparer.Ordinal).ToList();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using (var create = new NpgsqlCommand(CreateStaging, connection))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            var now = time.GetUtcNow();
            await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
            {
                foreach (var (streamId, cost) in unique)
                {
                    await WriteRowAsync(importer, streamId, cost, now, ct);
                }

                await importer.CompleteAsync(ct);
            }

            int inserted;
            DateTimeOffset? oldest;
            await using (var insert = new NpgsqlCommand(InsertAndRollUp, connection))
            await using (var reader = await insert.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                inserted = reader.GetInt32(0);
                oldest = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            }

            await transaction.CommitAsync(ct);
            return new WriteResult(inserted, batch.Count - inserted, oldest);
        }, cancellationToken);
    }

    private async Task WriteRowAsync(NpgsqlBinaryImporter row, string streamId, RequestCostRecorded e, DateTimeOffset now, CancellationToken ct)
    {
        var occurredAt = e.OccurredAt.ToUniversalTime();
        await row.StartRowAsync(ct);
        await row.WriteAsync(e.RequestId, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(row, e.CorrelationId, ct);
        await row.WriteAsync(occurredAt, NpgsqlDbType.TimestampTz, ct);
        await row.WriteAsync(DateOnly.FromDateTime(occurredAt.UtcDateTime), NpgsqlDbType.Date, ct);
        await row.WriteAsync(e.Team, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(row, e.User, ct);
        await WriteNullableAsync(row, e.Feature, ct);
        await WriteNullableAsync(row, e.ApiKeyId, ct);
        await row.WriteAsync(e.Category, NpgsqlDbType.Varchar, ct);
        await row.WriteAsync(e.RequestedModel, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(row, e.Model, ct);
        await WriteNullableAsync(row, e.Region, ct);
        await row.WriteAsync(e.GatewayRegion, NpgsqlDbType.Varchar, ct);
        await row.WriteAsync(e.Outcome, NpgsqlDbType.Varchar, ct);
        await row.WriteAsync(e.Streamed, NpgsqlDbType.Boolean, ct);
        await row.WriteAsync(e.Attempts, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(e.Fallback, NpgsqlDbType.Boolean, ct);
        await row.WriteAsync(e.Hedged, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(row, e.RoutingReason is { } reason ? FieldRule.Truncate(reason, LedgerLimits.TextLength) : null, ct);
        await WriteNullableAsync(row, e.Residency, ct);
        await row.WriteAsync(e.LatencyMs, NpgsqlDbType.Double, ct);
        await row.WriteAsync(e.InputTokens, NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(e.CachedInputTokens, NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(e.OutputTokens, NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(e.ReasoningTokens, NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(e.CostUsd, NpgsqlDbType.Numeric, ct);
        await row.WriteAsync(pricer.Baseline(e.Category, e.InputTokens, e.CachedInputTokens, e.OutputTokens) ?? e.CostUsd, NpgsqlDbType.Numeric, ct);
        await row.WriteAsync(e.Estimated, NpgsqlDbType.Boolean, ct);
        await row.WriteAsync(JsonSerializer.Serialize(e.AttemptCosts, LedgerJsonContext.Default.IReadOnlyListAttemptCost), NpgsqlDbType.Jsonb, ct);
        await row.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        await row.WriteAsync(streamId, NpgsqlDbType.Varchar, ct);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter row, string? value, CancellationToken ct) =>
        value is null ? row.WriteNullAsync(ct) : row.WriteAsync(value, NpgsqlDbType.Varchar, ct);
}
