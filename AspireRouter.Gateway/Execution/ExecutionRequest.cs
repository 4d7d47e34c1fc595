using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Execution;

/// <summary>What the executor runs: the parsed request, where it may go, and under which deadline.</summary>
/// <param name="Request">The parsed request (its body is what each attempt sends, with the model replaced).</param>
/// <param name="Target">The category or model asked for, and the residency it is held to.</param>
/// <param name="Candidates">The planned candidates, in attempt order.</param>
/// <param name="RequestId">The gateway's id of the request, sent upstream as <c>X-Request-Id</c>.</param>
/// <param name="RequestedTimeout">The client's own deadline (<c>X-AspireRouter-Timeout-Ms</c>), if it sent one; else the category's applies.</param>
public sealed record ExecutionRequest(ChatRequest Request, RouteTarget Target, CandidateList Candidates, string RequestId, TimeSpan? RequestedTimeout)
{
    /// <summary>
    /// Asked before a hedge starts: it can be billed alongside the attempt it races, so the request's budget must cover
    /// one more attempt (a fallback or retry after a failure needs nothing more: failed attempts are not billed). False:
    /// no hedge, the first attempt runs on alone.
    /// </summary>
    public Func<Candidate, CancellationToken, ValueTask<bool>>? BeforeHedge { get; init; }
}
