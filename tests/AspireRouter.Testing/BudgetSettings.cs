namespace AspireRouter.Testing;

/// <summary>
/// One <c>Budgets</c> section, as the AppHost passes it to every gateway and to the ledger: both services must accept
/// the same valid one, and refuse each bad value the same way, quoting it.
/// </summary>
public static class BudgetSettings
{
    /// <summary>A section using every option (thresholds in percent of the limit).</summary>
    public static IReadOnlyDictionary<string, string> Valid { get; } = new Dictionary<string, string>
    {
        ["Budgets:Teams:search:DailyUsd"] = "50",
        ["Budgets:Teams:search:MonthlyUsd"] = "1000",
        ["Budgets:Teams:search:AlertThresholds:0"] = "80",
        ["Budgets:Teams:search:AlertThresholds:1"] = "100",
        ["Budgets:Teams:ads:MonthlyUsd"] = "20.5",
        ["Budgets:AlertThresholds:0"] = "50",
        ["Budgets:AlertThresholds:1"] = "90",
        ["Budgets:AlertThresholds:2"] = "100",
        ["Budgets:FailOpen"] = "true",
        ["Budgets:DefaultCompletionTokens"] = "2048",
        ["Budgets:ReservationLease"] = "00:05:00",
        ["Budgets:RedisTimeout"] = "00:00:00.500",
        ["Budgets:CheckInterval"] = "00:00:30",
    };

    /// <summary>A bad setting (key, value) and what the start-up error must quote.</summary>
    public static IReadOnlyList<(string Key, string Value, string Quoted)> Invalid { get; } =
    [
        ("Budgets:Teams:search:AlertThresholds:0", "0.8", "0.8"), // a fraction: thresholds are percents
        ("Budgets:AlertThresholds:1", "1500", "1500"),
        ("Budgets:Teams:search:DailyUsd", "-5", "-5"),
        ("Budgets:Teams:bad team:DailyUsd", "5", "bad team"),
        ("Budgets:CheckInterval", "-00:00:01", "-00:00:01"),
        ("Budgets:DefaultAlertThresholds:0", "80", "DefaultAlertThresholds"), // not part of the schema
    ];

    /// <summary><see cref="Invalid"/> as theory rows: key, value, quoted.</summary>
    public static IEnumerable<object[]> InvalidRows => Invalid.Select(c => new object[] { c.Key, c.Value, c.Quoted });

    /// <summary><see cref="Valid"/> with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public static Dictionary<string, string> With(string key, string value) => new(Valid) { [key] = value };
}
