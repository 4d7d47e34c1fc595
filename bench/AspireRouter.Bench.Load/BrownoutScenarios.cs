namespace AspireRouter.Bench.Load;

/// <summary>
/// One fault on one simulator (the body of its <c>PUT /admin/faults/{model}</c>): <paramref name="Region"/> is the
/// simulator (<c>global</c> or <c>cn</c>), <paramref name="Model"/> a model id or <c>*</c> for every model.
/// </summary>
public sealed record FaultSetting(string Region, string Model, double ErrorRate, int Status = 503, int? RetryAfterSeconds = null)
{
    public const string Global = "global";
    public const string Cn = "cn";
    public const string AllModels = "*";

    /// <summary>The fault in both regions.</summary>
    public static FaultSetting[] Everywhere(string model, double errorRate, int status = 503, int? retryAfterSeconds = null) =>
        [new(Global, model, errorRate, status, retryAfterSeconds), new(Cn, model, errorRate, status, retryAfterSeconds)];

    public string Json() => RetryAfterSeconds is { } seconds
        ? Invariant($$"""{"errorRate":{{ErrorRate}},"status":{{Status}},"retryAfter":{{seconds}}}""")
        : Invariant($$"""{"errorRate":{{ErrorRate}},"status":{{Status}}}""");

    private static string Invariant(FormattableString value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// One brownout scenario: the faults in force while both routers run it.
/// </summary>
/// <param name="Name">Its row in the table.</param>
/// <param name="Faults">Set on the simulators before the run (after clearing the previous scenario's).</param>
/// <param name="AfterPrevious">Runs right after the scenario before it, on the gateway state that one left (no reset).</param>
/// <param name="HealthyCapacity">
/// Every request's chain keeps endpoints that answer at least 70 % of the time (30 % errors at worst), so the gateway
/// must serve ≥ 99.9 %; scenarios without (50 % errors everywhere, 100 %) are held to the seed router's success only.
/// </param>
/// <param name="Amplification">The retry-amplification scenario: its steady state (second half) is checked for attempts per request.</param>
public sealed record BrownoutScenario(string Name, IReadOnlyList<FaultSetting> Faults, bool AfterPrevious = false, bool HealthyCapacity = false, bool Amplification = false);

/// <summary>The scenarios of issue 14, in the order they run.</summary>
public static class BrownoutScenarios
{
    /// <summary>The light category's primary, taken down in the "primary down" scenarios.</summary>
    public const string LightPrimary = "qwen-3-8b";

    /// <summary>
    /// Independent scenarios start from a reset gateway (breakers and cool-downs deleted from Redis); the two "right
    /// after" ones inherit the state the scenario before them left, as in the issue's reproduction. 100 % errors runs last.
    /// </summary>
    public static IReadOnlyList<BrownoutScenario> All { get; } =
    [
        new("healthy", [], HealthyCapacity: true),
        new("10 % 503 everywhere", FaultSetting.Everywhere(FaultSetting.AllModels, 0.1), HealthyCapacity: true),
        new("30 % 503 everywhere", FaultSetting.Everywhere(FaultSetting.AllModels, 0.3), HealthyCapacity: true),
        new($"{LightPrimary} down, right after the 30 % brownout", FaultSetting.Everywhere(LightPrimary, 1.0), AfterPrevious: true, HealthyCapacity: true),
        new("50 % 503 everywhere", FaultSetting.Everywhere(FaultSetting.AllModels, 0.5)),
        new("50 % 429 everywhere, no Retry-After", FaultSetting.Everywhere(FaultSetting.AllModels, 0.5, 429)),
        new("50 % 429 everywhere, Retry-After 1 s", FaultSetting.Everywhere(FaultSetting.AllModels, 0.5, 429, 1)),
        new("cn region down, right after the 429 storm", [new(FaultSetting.Cn, FaultSetting.AllModels, 1.0)], AfterPrevious: true, HealthyCapacity: true),
        new("global region down", [new(FaultSetting.Global, FaultSetting.AllModels, 1.0)], HealthyCapacity: true),
        new($"{LightPrimary} down (primary of light)", FaultSetting.Everywhere(LightPrimary, 1.0), HealthyCapacity: true),
        new("100 % 503 everywhere", FaultSetting.Everywhere(FaultSetting.AllModels, 1.0), Amplification: true),
    ];
}
