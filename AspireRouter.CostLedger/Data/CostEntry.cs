namespace AspireRouter.CostLedger.Data;

/// <summary>
/// One request's cost, as the gateway reported it: exactly one row per <see cref="RequestId"/> (the id the gateway minted,
/// never the client's), the idempotency key. <see cref="CorrelationId"/> is the client's <c>X-Request-Id</c>, if any.
/// <see cref="BaselineCostUsd"/> is what the same tokens would have cost on the most expensive model of the category's
/// chain, priced when the row was written.
/// <para>
/// The table is partitioned by month of <see cref="OccurredAt"/> (<see cref="LedgerPartitions"/>), and a unique key of a
/// partitioned table must contain the partition key, so the key is (<see cref="RequestId"/>, <see cref="OccurredAt"/>).
/// Deduplication stays exact because an event never changes after the gateway serialized it: a redelivery, a claim by
/// another consumer or a replay of a dead letter carries the same JSON, hence the same <see cref="OccurredAt"/>; the
/// gateway mints a new request id for every request and emits its event once (its retries resend the same bytes).
/// </para>
/// </summary>
public sealed class CostEntry
{
    public required string RequestId { get; init; }
    public string? CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>UTC day of <see cref="OccurredAt"/>, the rollup and budget key.</summary>
    public required DateOnly Day { get; init; }

    public required string Team { get; init; }
    public string? User { get; init; }
    public string? Feature { get; init; }
    public string? ApiKeyId { get; init; }
    public required string Category { get; init; }
    public required string RequestedModel { get; init; }
    public string? Model { get; init; }
    public string? Region { get; init; }
    public required string GatewayRegion { get; init; }
    public required string Outcome { get; init; }
    public bool Streamed { get; init; }
    public int Attempts { get; init; }
    public bool Fallback { get; init; }
    public bool Hedged { get; init; }
    public string? RoutingReason { get; init; }
    public string? Residency { get; init; }
    public double LatencyMs { get; init; }
    public long InputTokens { get; init; }
    public long CachedInputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long ReasoningTokens { get; init; }
    public decimal CostUsd { get; init; }
    public decimal BaselineCostUsd { get; init; }
    public bool Estimated { get; init; }

    /// <summary>The attempts as the event carried them (JSON array, jsonb in PostgreSQL).</summary>
    public required string AttemptsJson { get; init; }

    /// <summary>When the ledger wrote the row.</summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>Id of the stream entry that carried the event, for tracing a row back to Redis.</summary>
    public required string StreamEntryId { get; init; }
}
