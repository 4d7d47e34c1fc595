namespace AspireRouter.Contracts.Costs;

/// <summary>
/// What one request cost, and for whom: emitted by a gateway once per request (its successful answer, or its failure
/// when some attempt was billed), carried by the Redis stream <see cref="CostStream.Name"/> to the cost ledger.
/// <see cref="RequestId"/> is the idempotency key: the ledger holds exactly one row per request id.
/// </summary>
public sealed record RequestCostRecorded
{
    /// <summary>
    /// The id the gateway minted for the request (a UUIDv7, <c>X-AspireRouter-Request-Id</c>), unique per request: the
    /// ledger's key. Never the client's id, which is <see cref="CorrelationId"/>.
    /// </summary>
    public required string RequestId { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the gateway's span for this event, when the request was traced: the ledger's write
    /// links to it, so a request's trace leads to its ledger row. Optional; older events have none.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>The client's <c>X-Request-Id</c>, when it sent one: kept for correlation, never trusted to be unique.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>When the request finished at the gateway.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Team the cost is attributed to (from the API key, else the <c>X-AspireRouter-Team</c> header, else "default").</summary>
    public required string Team { get; init; }

    /// <summary>End user: the body's <c>user</c> field or the <c>X-AspireRouter-User</c> header.</summary>
    public string? User { get; init; }

    /// <summary>Product feature, from the <c>X-AspireRouter-Feature</c> header.</summary>
    public string? Feature { get; init; }

    /// <summary>Id (never the secret) of the virtual API key used, when keys exist.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>Workload category, or "direct" for a concrete model id.</summary>
    public required string Category { get; init; }

    /// <summary>The <c>model</c> value the client sent.</summary>
    public required string RequestedModel { get; init; }

    /// <summary>Model that answered; null when every attempt failed.</summary>
    public string? Model { get; init; }

    /// <summary>Region of the endpoint that answered.</summary>
    public string? Region { get; init; }

    /// <summary>Home region of the gateway that served the request.</summary>
    public required string GatewayRegion { get; init; }

    /// <summary>"success", "client_error", "failed" or "client_aborted".</summary>
    public required string Outcome { get; init; }

    public bool Streamed { get; init; }
    public int Attempts { get; init; }
    public bool Fallback { get; init; }
    public bool Hedged { get; init; }
    public string? RoutingReason { get; init; }

    /// <summary>Data-residency policy applied (e.g. "cn"), when any.</summary>
    public string? Residency { get; init; }

    /// <summary>Gateway wall time, milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Token totals over every billed attempt.</summary>
    public long InputTokens { get; init; }
    public long CachedInputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long ReasoningTokens { get; init; }

    /// <summary>USD over every billed attempt (retries, hedges and fallbacks included).</summary>
    public decimal CostUsd { get; init; }

    /// <summary>True when some usage was estimated with the tokenizer because the provider reported none.</summary>
    public bool Estimated { get; init; }

    /// <summary>Each attempt that ran, in order.</summary>
    public IReadOnlyList<AttemptCost> AttemptCosts { get; init; } = [];
}

/// <summary>One attempt's model, outcome, usage and price.</summary>
public sealed record AttemptCost
{
    public required string Model { get; init; }
    public required string Region { get; init; }
    public required string Outcome { get; init; }
    public long InputTokens { get; init; }
    public long CachedInputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long ReasoningTokens { get; init; }
    public decimal CostUsd { get; init; }
    public bool Estimated { get; init; }

    /// <summary>The price list entry charged (its effective date), so past rows keep the price they were charged at.</summary>
    public DateOnly PriceEffectiveFrom { get; init; }
}

/// <summary>The Redis stream that carries <see cref="RequestCostRecorded"/> events.</summary>
public static class CostStream
{
    /// <summary>Stream key.</summary>
    public const string Name = Redis.RedisKeys.Prefix + "costs";

    /// <summary>Poison events, with the reason, for a person to look at.</summary>
    public const string DeadLetter = Redis.RedisKeys.Prefix + "costs:dead";

    /// <summary>Consumer group of the cost ledger.</summary>
    public const string ConsumerGroup = "cost-ledger";

    /// <summary>Entry field holding the event as JSON (<see cref="CostJsonContext"/>).</summary>
    public const string EventField = "event";
}
