namespace AspireRouter.Contracts.Logging;

/// <summary>
/// The ranges of log event ids, one per service, so an id names one message across the whole system (the dashboard
/// and any log query can filter on it). Each service numbers its <c>[LoggerMessage]</c>s from its base, by feature in
/// blocks of a hundred; a test checks every id is inside its service's range and used once.
/// </summary>
public static class LogEvents
{
    /// <summary>The gateway: 1–4999 (1xxx registry and latency, 2xxx execution, 3xxx breakers, 4xxx costs, budgets and keys).</summary>
    public const int Gateway = 0;

    /// <summary>The cost ledger: 5000–5999.</summary>
    public const int CostLedger = 5000;

    /// <summary>The health probe: 6000–6999.</summary>
    public const int HealthProbe = 6000;

    /// <summary>The provider simulator: 7000–7999.</summary>
    public const int ProviderSimulator = 7000;

    /// <summary>The AppHost's own code: 8000–8999.</summary>
    public const int AppHost = 8000;

    /// <summary>Code of this shared library, whichever service runs it: 9000–9999.</summary>
    public const int Contracts = 9000;

    /// <summary>Every range, by the project that owns it.</summary>
    public static IReadOnlyDictionary<string, (int First, int Last)> Ranges { get; } = new Dictionary<string, (int, int)>
    {
        ["AspireRouter.Gateway"] = (1, 4999),
        ["AspireRouter.CostLedger"] = (CostLedger, CostLedger + 999),
        ["AspireRouter.HealthProbe"] = (HealthProbe, HealthProbe + 999),
        ["AspireRouter.ProviderSimulator"] = (ProviderSimulator, ProviderSimulator + 999),
        ["AspireRouter.AppHost"] = (AppHost, AppHost + 999),
        ["AspireRouter.Contracts"] = (Contracts, Contracts + 999),
    };
}
