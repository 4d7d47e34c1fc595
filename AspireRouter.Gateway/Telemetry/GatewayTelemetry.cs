using System.Diagnostics;
using System.Runtime.CompilerServices;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Routing;
using AspireRouter.ServiceDefaults.Telemetry;

namespace AspireRouter.Gateway.Telemetry;

/// <summary>The gateway's activity source: one client span per attempt, with OpenTelemetry GenAI semantic-convention attributes.</summary>
public static class GatewayTelemetry
{
    public const string SourceName = "AspireRouter.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>USD, on each attempt's span (what it cost) and on the cost event's (the request's total).</summary>
    public const string CostTag = "aspirerouter.cost_usd";

    /// <summary>Each model's span name, built once per registry model.</summary>
    private static readonly ConditionalWeakTable<ModelSpec, string> SpanNames = [];

    /// <summary>Attempt numbers boxed once: a tag value is an object.</summary>
    private static readonly object[] AttemptNumbers = [.. Enumerable.Range(0, 16).Select(n => (object)n)];

    /// <summary>What a provider call starts with: the sampler records it even under an unsampled request.</summary>
    private static readonly KeyValuePair<string, object?>[] ChatOperation = [new(KeepingSampler.GenAiOperationTag, "chat")];

    /// <summary>Starts an attempt's client span; its attributes are set only when it is sampled (see <see cref="Describe"/>).</summary>
    public static Activity? StartAttempt(Candidate candidate, int attempt)
    {
        var activity = Source.StartActivity(
            SpanNames.GetValue(candidate.Model, static model => $"chat {model.Id}"), ActivityKind.Client, parentContext: default, tags: ChatOperation);
        if (activity is { Recorded: true })
        {
            Describe(activity, candidate, attempt);
        }

        return activity;
    }

    /// <summary>
    /// The attempt's request attributes: at its start when its trace is sampled, or when a failure keeps a trace that
    /// was not (a span that is only a context gets no attributes, so an unsampled request costs next to nothing).
    /// </summary>
    public static void Describe(Activity activity, Candidate candidate, int attempt)
    {
        activity.SetTag("gen_ai.provider.name", candidate.Model.Provider);
        activity.SetTag("gen_ai.request.model", candidate.Model.ProviderModelId);
        activity.SetTag("aspirerouter.region", candidate.Region);
        activity.SetTag("aspirerouter.attempt", attempt < AttemptNumbers.Length ? AttemptNumbers[attempt] : attempt);
        activity.SetTag("server.address", candidate.Endpoint.BaseUrl.Host);
    }

    /// <summary>
    /// The span of the request's cost event, under the request: its context travels in the event
    /// (<see cref="Contracts.Costs.RequestCostRecorded.TraceParent"/>) so the ledger's write links back to the request.
    /// </summary>
    public static Activity? StartCostEvent(string requestId, decimal costUsd)
    {
        var activity = Source.StartActivity("publish " + Contracts.Costs.CostStream.Name, ActivityKind.Producer);
        if (activity is null || !activity.IsAllDataRequested)
        {
            return activity;
        }

        activity.SetTag("messaging.system", "redis");
        activity.SetTag("messaging.operation.type", "send");
        activity.SetTag("messaging.destination.name", Contracts.Costs.CostStream.Name);
        activity.SetTag("aspirerouter.request_id", requestId);
        activity.SetTag(CostTag, (double)costUsd);
        return activity;
    }
}
