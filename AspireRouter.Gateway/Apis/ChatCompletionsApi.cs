using System.Text.Unicode;
using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Budgets;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Apis;

/// <summary>The OpenAI-compatible surface: <c>POST /v1/chat/completions</c>.</summary>
public static class ChatCompletionsApi
{
    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapPost("/chat/completions", CreateChatCompletion)
            .WithName("CreateChatCompletion")
            .WithSummary("Routes a chat completion to the model that fits its category; streams with stream=true.")
            .DisableAntiforgery();
        return app;
    }

    public static async Task CreateChatCompletion(
        HttpContext context,
        RegistryProvider registryProvider,
        CandidatePlanner planner,
        ChatExecutor executor,
        BudgetGuard budgets,
        IPromptClassifier classifier,
        ApiKeyAuthenticator authenticator,
        RateLimiter rateLimiter,
        IOptions<GatewayOptions> options)
    {
        // The gateway's own id keys the ledger row and goes upstream and to the budgets; the client's X-Request-Id only correlates.
        var requestId = RequestIds.Mint();
        context.Response.Headers[RoutingHeaders.GatewayRequestId] = requestId;
        var correlated = RequestIds.TryReadCorrelationId(context.Request.Headers[RoutingHeaders.RequestId], out var correlationId, out var idError);
        context.Response.Headers[RoutingHeaders.RequestId] = correlationId ?? requestId;
        if (!correlated)
        {
            await OpenAiErrors.WriteAsync(context, idError!);
            return;
        }

        // The key is checked before the body is read: an unknown caller costs no body buffering.
        var (key, authError) = await authenticator.AuthenticateAsync(context.Request);
        if (authError is not null)
        {
            await OpenAiErrors.WriteAsync(context, authError);
            return;
        }

        if (key is not null)
        {
            context.Features.Set(key);
        }

        var (body, readError) = await RequestBodyReader.ReadAsync(context, options.Value.MaxRequestBodyBytes, options.Value.BodyReadTimeout);
        if (readError is not null)
        {
            if (readError.Status != 0)
            {
                await OpenAiErrors.WriteAsync(context, readError);
            }

            return;
        }

        if (!Utf8.IsValid(body.Span))
        {
            await OpenAiErrors.WriteAsync(context, RequestError.Invalid("The request body is not valid UTF-8.", null, "invalid_encoding"));
            return;
        }

        var request = ChatRequestParser.Parse(body, out var parseError);
        if (request is null)
        {
            await OpenAiErrors.WriteAsync(context, parseError!);
            return;
        }

        var attribution = CostAttribution.From(context.Request.Headers, request, correlationId, out var attributionError);
        if (attribution is null)
        {
            await OpenAiErrors.WriteAsync(context, attributionError!);
            return;
        }

        if (key is not null)
        {
            attribution = attribution with { Team = key.Team, ApiKeyId = key.KeyId };
        }

        var registry = registryProvider.Current;
        var target = CategoryResolver.Resolve(registry, classifier, request, context.Request.Headers[CategoryResolver.CategoryHeader], out var resolveError);
        if (target is null)
        {
            await OpenAiErrors.WriteAsync(context, resolveError!);
            return;
        }

        // A key's own policy first: a category it may not use is a 403.
        if (key is not null && KeyPolicy.Check(key, target) is { } policyError)
        {
            await OpenAiErrors.WriteAsync(context, policyError);
            return;
        }

        // A key bound to a region makes every one of its requests resident there; the header cannot loosen it (403).
        if (!ResidencyRequirement.TryResolve(registry, context.Request.Headers[ResidencyRequirement.Header], fromKey: key?.Residency, out var residency, out var residencyError))
        {
            await OpenAiErrors.WriteAsync(context, residencyError!);
            return;
        }

        target = target with { Residency = residency };

        if (key is not null)
        {
            var limit = await rateLimiter.AdmitAsync(key, request);
            RateLimiter.WriteHeaders(context.Response, limit);
            if (!limit.Allowed)
            {
                await OpenAiErrors.WriteAsync(context, new RequestError(StatusCodes.Status429TooManyRequests,
                    "Rate limit reached for this API key; retry after the time in Retry-After.", "requests", null, "rate_limit_exceeded"));
                return;
            }
        }

        if (!RequestTimeout.TryParse(context.Request.Headers[RequestTimeout.Header], options.Value.MaxRequestTimeout, out var requested, out var timeoutError))
        {
            await OpenAiErrors.WriteAsync(context, timeoutError!);
            return;
        }

        var candidates = planner.Plan(target, request);
        // The team's budget, then the key's own: both reserved before sending, both settled with the real cost after.
        var budget = await budgets.ReserveAsync(attribution.Team, requestId, request, candidates);
        var keyBudget = budget.Error is null && key is not null
            ? await budgets.ReserveForKeyAsync(key, requestId, request, candidates)
            : BudgetGuard.Decision.Unlimited;
        if ((budget.Error ?? keyBudget.Error) is { } budgetError)
        {
            if (budget.Reservation is { } released)
            {
                await budgets.SettleAsync(released, 0m);
            }

            if ((budget.RetryAfter ?? keyBudget.RetryAfter) is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await OpenAiErrors.WriteAsync(context, budgetError);
            return;
        }

        var cost = await executor.ExecuteAsync(context, request, target, candidates, requestId, requested, attribution);
        if (budget.Reservation is { } teamReservation)
        {
            await budgets.SettleAsync(teamReservation, cost.CostUsd);
        }

        if (keyBudget.Reservation is { } keyReservation)
        {
            await budgets.SettleAsync(keyReservation, cost.CostUsd);
        }
    }
}
