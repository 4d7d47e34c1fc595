namespace AspireRouter.ProviderSimulator.Requests;

/// <summary>What one provider call turned out to be, filled in as it is handled and recorded when it ends.</summary>
public sealed class SimulatedCall(bool crossRegion)
{
    public bool CrossRegion => crossRegion;

    /// <summary>The requested model, once the body is parsed.</summary>
    public string? Model { get; set; }

    public bool Stream { get; set; }

    /// <summary>The fault that shaped the answer, if any: see <see cref="FaultKinds"/>.</summary>
    public string? Fault { get; set; }

    /// <summary>The client went away before the answer was complete.</summary>
    public bool ClientDisconnected { get; set; }
}

/// <summary>Names of injected faults as <c>/admin/requests</c> shows them.</summary>
public static class FaultKinds
{
    public const string Error = "error";
    public const string Hang = "hang";
    public const string FailMidStream = "fail-mid-stream";
}
