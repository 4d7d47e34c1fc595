using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Budgets;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Admission;

/// <summary>
/// The admission stage: who is calling (before the body is read), then, for the parsed request, where it may go and
/// whether it may go now — the category (explicit, a model id, or <c>auto</c>), the key's policy, the residency, the
/// key's rate limits, the client's deadline, the candidates, and the budgets of the team and of the key, reserved.
/// Each check answers with the first refusal in that order; nothing is written to the client here.
/// </summary>
public sealed class RequestAdmission(
    ApiKeyAuthenticator authenticator,
    RegistryProvider registryProvider,
    IPromptClassifier classifier,
    RateLimiter rateLimiter,
    CandidatePlanner planner,
    BudgetGuard budgets,
    IOptions<GatewayOptions> options)
{
    /// <summary>The caller's key, checked before the body is read: an unknown caller costs no body buffering.</summary>
    public ValueTask<(AuthenticatedKey? Key, RequestError? Error)> AuthenticateAsync(HttpRequest request) => authenticator.AuthenticateAsync(request);

    public async Task<Admitted> AdmitAsync(ChatCall call, AuthenticatedKey? key, IHeaderDictionary headers)
    {
        var attribution = key is null ? call.Attribution : call.Attribution with { Team = key.Team, ApiKeyId = key.KeyId };
        var refused = new Admitted { Key = key, Attribution = attribution };
        var registry = registryProvider.Current;
        var target = CategoryResolver.Resolve(registry, classifier, call.Request, headers[CategoryResolver.CategoryHeader], out var resolveError);
        if (target is null)
        {
            return refused with { Error = resolveError };
        }

        // A key's own policy first: a category it may not use is a 403.
        if (key is not null && KeyPolicy.Check(key, target) is { } policyError)
        {
            return refused with { Error = policyError };
        }

        // A key bound to a region makes every one of its requests resident there; the header cannot loosen it (403).
        if (!ResidencyRequirement.TryResolve(registry, headers[ResidencyRequirement.Header], fromKey: key?.Residency, out var residency, out var residencyError))
        {
            return refused with { Error = residencyError };
        }

        target = target with { Residency = residency };
        var limit = RateLimiter.Decision.Unlimited;
        if (key is not null)
        {
            limit = await rateLimiter.AdmitAsync(key, call.Request);
            if (!limit.Allowed)
            {
                return refused with
                {
                    Limit = limit,
                    Error = new RequestError(StatusCodes.Status429TooManyRequests,
                        "Rate limit reached for this API key; retry after the time in Retry-After.", "requests", null, "rate_limit_exceeded"),
                };
            }
        }

        refused = refused with { Limit = limit };
        if (!RequestTimeout.TryParse(headers[RequestTimeout.Header], options.Value.MaxRequestTimeout, out var requested, out var timeoutError))
        {
            return refused with { Error = timeoutError };
        }

        var candidates = planner.Plan(target, call.Request);
        // The team's budget, then the key's own: both reserved before sending, both settled with the real cost after.
        var team = await budgets.ReserveAsync(attribution.Team, call.RequestId, call.Request, candidates);
        var own = team.Error is null && key is not null
            ? await budgets.ReserveForKeyAsync(key, call.RequestId, call.Request, candidates)
            : BudgetGuard.Decision.Unlimited;
        var held = new BudgetHold(budgets, call.Request, [.. new[] { team.Reservation, own.Reservation }.OfType<BudgetGuard.Reservation>()]);
        if ((team.Error ?? own.Error) is { } budgetError)
        {
            await held.SettleAsync(0m); // release what was reserved before the refusal
            return refused with { Error = budgetError, RetryAfter = team.RetryAfter ?? own.RetryAfter };
        }

        return refused with { Target = target, Candidates = candidates, RequestedTimeout = requested, Budget = held };
    }
}
