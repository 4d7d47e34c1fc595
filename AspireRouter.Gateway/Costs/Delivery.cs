using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Execution;

namespace AspireRouter.Gateway.Costs;

/// <summary>How the answer of an admitted request reached the client.</summary>
public enum DeliveryOutcome
{
    Success,

    /// <summary>The provider rejected the request itself; its error was relayed.</summary>
    ClientError,

    /// <summary>No candidate served it; the gateway's error was written.</summary>
    Failed,

    /// <summary>The client left before or while the answer was written.</summary>
    ClientAborted,
}

/// <summary>What the respond stage delivered, and each attempt's cost as priced for it.</summary>
/// <param name="Outcome">How the answer reached the client.</param>
/// <param name="Costs">Each attempt's cost, in the order the attempts started.</param>
/// <param name="StreamFacts">For a relayed stream: the model and finish reason its chunks named.</param>
public sealed record Delivery(DeliveryOutcome Outcome, IReadOnlyList<AttemptCost> Costs, ResponseFacts? StreamFacts = null);
