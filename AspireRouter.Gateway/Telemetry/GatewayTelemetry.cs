using System.Diagnostics;
using System.Runtime.CompilerServices;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Telemetry;

/// <summary>The gateway's activity source: one client span per attempt, with OpenTelemetry GenAI semantic-convention attributes.</summary>
public static class GatewayTelemetry
{
    public const string SourceName = "AspireRouter.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Each model's span name, built once per registry model.</summary>
    private static readonly ConditionalWeakTable<ModelSpec, string> SpanNames = [];

    /// <summary>Attempt numbers boxed once: a tag value is an object.</summary>
    private static readonly object[] AttemptNumbers = [.. Enumerable.Range(0, 16).Select(n => (object)n)];

    public static Activity? StartAttempt(Candidate candidate, int attempt)
    {
        var activity = Source.StartActivity(SpanNames.GetValue(candidate.Model, static model => $"chat {model.Id}"), ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("gen_ai.operation.name", "chat");
        activity.SetTag("gen_ai.provider.name", candidate.Model.Provider);
        activity.SetTag("gen_ai.request.model", candidate.Model.ProviderModelId);
        activity.SetTag("aspirerouter.region", candidate.Region);
        activity.SetTag("aspirerouter.attempt", attempt < AttemptNumbers.Length ? AttemptNumbers[attempt] : attempt);
        activity.SetTag("server.address", candidate.Endpoint.BaseUrl.Host);
        return activity;
    }
}
