using System.Globalization;
using AspireRouter.Gateway.Admission;
using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Apis;

/// <summary>
/// The respond stage: every status, header and body the client of a chat completion gets — the ids, the rate-limit
/// headers, the routing decision, the provider's answer (a buffered body, or a stream relayed through the usage tap),
/// its cost (a header, or a closing SSE comment for a stream), and the OpenAI-shaped errors. Returns what was
/// delivered and priced, for the record stage.
/// </summary>
public sealed class ChatResponder(CostAccountant accountant, IOptions<GatewayOptions> options, ILogger<ChatResponder> logger)
{
    private readonly TimeSpan _stallTimeout = options.Value.StreamStallTimeout;

    /// <summary>The gateway's id (always) and the client's correlation id echoed (the gateway's id when it sent none).</summary>
    public static void WriteIds(HttpResponse response, string requestId, string? correlationId)
    {
        response.Headers[RoutingHeaders.GatewayRequestId] = requestId;
        response.Headers[RoutingHeaders.RequestId] = correlationId ?? requestId;
    }

    /// <summary>A refusal before anything was sent upstream, with its Retry-After and the key's rate-limit headers.</summary>
    public static Task WriteRefusalAsync(HttpContext context, RequestError error, TimeSpan? retryAfter = null, RateLimiter.Decision? limit = null)
    {
        if (limit is not null)
        {
            RateLimiter.WriteHeaders(context.Response, limit);
        }

        if (retryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return OpenAiErrors.WriteAsync(context, error);
    }

    /// <summary>Writes the outcome of an admitted request; returns what was delivered and what each attempt cost.</summary>
    public async Task<Delivery> WriteAsync(HttpContext context, ChatRequest request, Admitted admitted, ExecutionOutcome outcome)
    {
        var response = context.Response;
        var target = admitted.Target!;
        RateLimiter.WriteHeaders(response, admitted.Limit);
        WriteDecision(response, target, outcome);
        if (outcome.Winner is not { } winner)
        {
            var priced = accountant.Price(outcome, request, null, clientAborted: false);
            if (outcome.ClientAborted)
            {
                return new Delivery(DeliveryOutcome.ClientAborted, priced);
            }

            response.Headers[RoutingHeaders.CostUsd] = CostAccountant.FormatUsd(priced.Sum(a => a.CostUsd));
            await WriteRefusalAsync(context, outcome.Error!, outcome.Error!.Status == StatusCodes.Status429TooManyRequests ? outcome.RetryAfter : null);
            return new Delivery(DeliveryOutcome.Failed, priced);
        }

        response.Headers[RoutingHeaders.Model] = winner.Candidate.Model.Id;
        response.Headers[RoutingHeaders.Region] = winner.Candidate.Region;
        var answered = winner.Outcome == AttemptOutcome.Success ? DeliveryOutcome.Success : DeliveryOutcome.ClientError;
        if (winner.OpenStream is null)
        {
            var priced = accountant.Price(outcome, request, null, clientAborted: false);
            response.Headers[RoutingHeaders.CostUsd] = CostAccountant.FormatUsd(priced.Sum(a => a.CostUsd));
            var relayed = await ResponseRelay.RelayAsync(context, winner, null, _stallTimeout, logger);
            return new Delivery(relayed == RelayEnd.ClientAborted ? DeliveryOutcome.ClientAborted : answered, priced);
        }

        var tap = new SseUsageTap(stripUsageChunk: !request.IncludeUsage);
        var end = await ResponseRelay.RelayAsync(context, winner, tap, _stallTimeout, logger);
        var streamed = accountant.Price(outcome, request, tap, clientAborted: end == RelayEnd.ClientAborted);
        if (end == RelayEnd.ClientAborted)
        {
            return new Delivery(DeliveryOutcome.ClientAborted, streamed, tap.Facts);
        }

        await ResponseRelay.WriteCostCommentAsync(context, streamed.Sum(a => a.CostUsd));
        return new Delivery(answered, streamed, tap.Facts);
    }

    /// <summary>Headers that explain the routing decision.</summary>
    private static void WriteDecision(HttpResponse response, RouteTarget target, ExecutionOutcome outcome)
    {
        response.Headers[RoutingHeaders.Category] = target.CategoryName;
        response.Headers[RoutingHeaders.Reason] = outcome.Panicked
            ? $"{target.Reason}; panic: the candidates were out (open, cooling down or with their trials taken), tried the best of them"
            : target.Reason;
        if (target.Residency is { } residency)
        {
            response.Headers[RoutingHeaders.Residency] = residency;
        }

        response.Headers[RoutingHeaders.Attempts] = outcome.AttemptCount.ToString(CultureInfo.InvariantCulture);
        if (outcome.Winner is not null)
        {
            response.Headers[RoutingHeaders.Fallback] = outcome.FellBack ? "true" : "false";
        }

        if (outcome.Panicked)
        {
            response.Headers[RoutingHeaders.Panic] = "true";
        }
    }
}
