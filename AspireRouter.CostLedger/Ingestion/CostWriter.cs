using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using AspireRouter.CostLedger.Pricing;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>What one batch did to the ledger.</summary>
internal readonly record struct WriteResult(int Inserted, int Duplicates, DateTimeOffset? OldestOccurredAt);

/// <summary>
/// Writes a batch of events in one transaction: rows whose request id is new, and the daily rollups of exactly those
/// rows. A request id already in the ledger (or twice in the batch) is ignored, so replays and reclaims are harmless.
/// </summary>
internal sealed class CostWriter(LedgerDbContext db, BaselinePricer pricer, TimeProvider time)
{
    public async Task<WriteResult> WriteAsync(IReadOnlyList<(string StreamId, RequestCostRecorded Event)> batch, CancellationToken cancellationToken)
    {
        var unique = batch.DistinctBy(e => e.Event.RequestId, StringComparer.Ordinal).ToList();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            var ids = unique.Select(e => e.Event.RequestId).ToList();
            var existing = (await db.CostEntries.AsNoTracking().Where(e => ids.Contains(e.RequestId)).Select(e => e.RequestId).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            var now = time.GetUtcNow();
            var rows = unique.Where(e => !existing.Contains(e.Event.RequestId)).Select(e => ToEntry(e.StreamId, e.Event, now)).ToList();

            db.CostEntries.AddRange(rows);
            await db.SaveChangesAsync(ct);

            foreach (var group in rows.GroupBy(r => (r.Day, r.Team, r.Category, Model: r.Model ?? DailyRollup.NoModel)))
            {
                await UpsertRollupAsync(group.Key, group.ToList(), ct);
            }

            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return new WriteResult(rows.Count, batch.Count - rows.Count, rows.Count == 0 ? null : rows.Min(r => r.OccurredAt));
        }, cancellationToken);
    }

    private Task<int> UpsertRollupAsync((DateOnly Day, string Team, string Category, string Model) key, List<CostEntry> rows, CancellationToken ct)
    {
        long requests = rows.Count, input = rows.Sum(r => r.InputTokens), cached = rows.Sum(r => r.CachedInputTokens),
            output = rows.Sum(r => r.OutputTokens), reasoning = rows.Sum(r => r.ReasoningTokens);
        decimal cost = rows.Sum(r => r.CostUsd), baseline = rows.Sum(r => r.BaselineCostUsd);

        // Increments in the database: two writers adding to one rollup never lose each other's counts.
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO daily_rollups (day, team, category, model, requests, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, baseline_cost_usd)
            VALUES ({key.Day}, {key.Team}, {key.Category}, {key.Model}, {requests}, {input}, {cached}, {output}, {reasoning}, {cost}, {baseline})
            ON CONFLICT (day, team, category, model) DO UPDATE SET
                requests = daily_rollups.requests + excluded.requests,
                input_tokens = daily_rollups.input_tokens + excluded.input_tokens,
                cached_input_tokens = daily_rollups.cached_input_tokens + excluded.cached_input_tokens,
                output_tokens = daily_rollups.output_tokens + excluded.output_tokens,
                reasoning_tokens = daily_rollups.reasoning_tokens + excluded.reasoning_tokens,
                cost_usd = daily_rollups.cost_usd + excluded.cost_usd,
                baseline_cost_usd = daily_rollups.baseline_cost_usd + excluded.baseline_cost_usd
            """, ct);
    }

    private CostEntry ToEntry(string streamId, RequestCostRecorded e, DateTimeOffset now)
    {
        var occurredAt = e.OccurredAt.ToUniversalTime();
        return new CostEntry
        {
            RequestId = e.RequestId,
            CorrelationId = e.CorrelationId,
            OccurredAt = occurredAt,
            Day = DateOnly.FromDateTime(occurredAt.UtcDateTime),
            Team = e.Team,
            User = e.User,
            Feature = e.Feature,
            ApiKeyId = e.ApiKeyId,
            Category = e.Category,
            RequestedModel = e.RequestedModel,
            Model = e.Model,
            Region = e.Region,
            GatewayRegion = e.GatewayRegion,
            Outcome = e.Outcome,
            Streamed = e.Streamed,
            Attempts = e.Attempts,
            Fallback = e.Fallback,
            Hedged = e.Hedged,
            RoutingReason = e.RoutingReason is { } reason ? FieldRule.Truncate(reason, LedgerLimits.TextLength) : null,
            Residency = e.Residency,
            LatencyMs = e.LatencyMs,
            InputTokens = e.InputTokens,
            CachedInputTokens = e.CachedInputTokens,
            OutputTokens = e.OutputTokens,
            ReasoningTokens = e.ReasoningTokens,
            CostUsd = e.CostUsd,
            BaselineCostUsd = pricer.Baseline(e.Category, e.InputTokens, e.CachedInputTokens, e.OutputTokens) ?? e.CostUsd,
            Estimated = e.Estimated,
            AttemptsJson = JsonSerializer.Serialize(e.AttemptCosts, LedgerJsonContext.Default.IReadOnlyListAttemptCost),
            RecordedAt = now,
            StreamEntryId = streamId,
        };
    }
}
