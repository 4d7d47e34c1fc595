using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Budgets;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Admission;

/// <summary>
/// The admission stage's verdict on a parsed request: refused (<see cref="Error"/>), or admitted with where it may go
/// and what it holds — the resolved target, the planned candidates, the key's rate-limit charge and the budget held.
/// </summary>
public sealed record Admitted
{
    /// <summary>The caller's key; null for an anonymous request a development setup lets through.</summary>
    public AuthenticatedKey? Key { get; init; }

    /// <summary>Who pays: the parsed attribution, with the key's team and id when there is a key.</summary>
    public required CostAttribution Attribution { get; init; }

    /// <summary>The rate-limit decision (its headers go on every keyed response); unlimited without a key.</summary>
    public RateLimiter.Decision Limit { get; init; } = RateLimiter.Decision.Unlimited;

    /// <summary>Why the request is refused; null when admitted.</summary>
    public RequestError? Error { get; init; }

    /// <summary>With a refusal: when to come back (rate limits, budgets).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public RouteTarget? Target { get; init; }

    public CandidateList? Candidates { get; init; }

    /// <summary>The client's own deadline, if it sent one.</summary>
    public TimeSpan? RequestedTimeout { get; init; }

    /// <summary>The budget held for the request; settled by the record stage on every path.</summary>
    public BudgetHold? Budget { get; init; }
}
