using System.Diagnostics;
using AspireRouter.Gateway.Admission;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Requests;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Apis;

/// <summary>
/// A chat completion's way through the gateway, one way: identify → authenticate → parse → admit (category, policy,
/// residency, limits, candidates, budgets) → execute → respond → record. Each stage returns a result and only the
/// next stage reads it; only the respond stage writes to the client; the record stage runs whatever happened after
/// admission, so no budget stays reserved and no billed attempt goes unrecorded.
/// </summary>
public sealed class ChatPipeline(
    RequestAdmission admission,
    ChatExecutor executor,
    ChatResponder responder,
    CostRecorder recorder,
    IOptions<GatewayOptions> options)
{
    private readonly GatewayOptions _options = options.Value;

    public async Task RunAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();

        // Identify: the gateway's own id keys the ledger row and goes upstream; the client's X-Request-Id only correlates.
        var requestId = RequestIds.Mint();
        var correlated = RequestIds.TryReadCorrelationId(context.Request.Headers[RoutingHeaders.RequestId], out var correlationId, out var idError);
        ChatResponder.WriteIds(context.Response, requestId, correlationId);
        if (!correlated)
        {
            await ChatResponder.WriteRefusalAsync(context, idError!);
            return;
        }

        var (key, authError) = await admission.AuthenticateAsync(context.Request);
        if (authError is not null)
        {
            await ChatResponder.WriteRefusalAsync(context, authError);
            return;
        }

        var parsed = await ChatCallReader.ReadAsync(context, requestId, correlationId, _options);
        if (parsed.Call is not { } call)
        {
            if (parsed.Error is { } parseError)
            {
                await ChatResponder.WriteRefusalAsync(context, parseError);
            }

            return;
        }

        var admitted = await admission.AdmitAsync(call, key, context.Request.Headers);
        if (admitted.Error is { } refusal)
        {
            await ChatResponder.WriteRefusalAsync(context, refusal, admitted.RetryAfter, admitted.Limit);
            return;
        }

        ExecutionOutcome? outcome = null;
        Delivery? delivery = null;
        try
        {
            outcome = await executor.ExecuteAsync(
                new ExecutionRequest(call.Request, admitted.Target!, admitted.Candidates!, requestId, admitted.RequestedTimeout)
                {
                    BeforeHedge = admitted.Budget!.Reservations.Count == 0 ? null : admitted.Budget.TryTopUpAsync,
                },
                context.RequestAborted);
            delivery = await responder.WriteAsync(context, call.Request, admitted, outcome);
        }
        finally
        {
            await recorder.RecordAsync(call, admitted, outcome, delivery, started);
            if (outcome is not null)
            {
                await outcome.DisposeAsync();
            }
        }
    }
}
