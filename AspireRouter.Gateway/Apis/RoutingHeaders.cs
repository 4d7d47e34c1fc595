namespace AspireRouter.Gateway.Apis;

/// <summary>Response headers that explain the routing decision.</summary>
public static class RoutingHeaders
{
    /// <summary>The client's correlation id when it sent one (echoed), else the gateway's own id.</summary>
    public const string RequestId = "X-Request-Id";

    /// <summary>The id the gateway minted for this request, always: the ledger's key, sent upstream as X-Request-Id.</summary>
    public const string GatewayRequestId = "X-AspireRouter-Request-Id";

    public const string Category = "X-AspireRouter-Category";
    public const string Model = "X-AspireRouter-Model";
    public const string Region = "X-AspireRouter-Region";
    public const string Attempts = "X-AspireRouter-Attempts";
    public const string Fallback = "X-AspireRouter-Fallback";
    public const string Reason = "X-AspireRouter-Route-Reason";

    /// <summary>The residency region the request was held to; absent when it had none.</summary>
    public const string Residency = "X-AspireRouter-Residency";

    /// <summary><c>true</c> when the request tried a candidate that was out (open, cooling down, trials busy): panic mode.</summary>
    public const string Panic = "X-AspireRouter-Panic";

    /// <summary>USD over every billed attempt; non-streaming answers only (a stream's headers leave before its usage).</summary>
    public const string CostUsd = "X-AspireRouter-Cost-Usd";
}
