using System.Diagnostics;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.CostLedger.Telemetry;

/// <summary>
/// The ledger's spans: one per batch of cost events that reaches the database, linked to each event's request (the
/// gateway's <see cref="RequestCostRecorded.TraceParent"/>), so a request's trace leads to the write of its ledger
/// row and back. Polling an empty stream makes no span.
/// </summary>
public static class LedgerTracing
{
    public const string SourceName = "AspireRouter.CostLedger";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the batch's consumer span; its Redis and PostgreSQL commands are its children.</summary>
    public static Activity? StartBatch(IReadOnlyCollection<RequestCostRecorded> events)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        List<ActivityLink>? links = null;
        foreach (var cost in events)
        {
            if (cost.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var context))
            {
                (links ??= []).Add(new ActivityLink(context));
            }
        }

        // A root span: the loop has no request of its own; the links say which requests it wrote.
        var activity = Source.StartActivity(ActivityKind.Consumer, parentContext: default, links: links, name: "process " + CostStream.Name);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", CostStream.Name);
        activity?.SetTag("messaging.batch.message_count", events.Count);
        return activity;
    }
}
