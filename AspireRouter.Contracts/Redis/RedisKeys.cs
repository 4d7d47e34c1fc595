namespace AspireRouter.Contracts.Redis;

/// <summary>
/// Redis key names every AspireRouter service agrees on. All keys start with <see cref="Prefix"/> so one Redis can be
/// shared with other applications and the router's keys found with <c>SCAN MATCH ar:*</c>.
/// </summary>
public static class RedisKeys
{
    public const string Prefix = "ar:";

    /// <summary>
    /// The hash holding the circuit breaker of <paramref name="model"/> (a registry model id) in
    /// <paramref name="region"/>: <c>ar:breaker:{model}:{region}</c>. Its fields are named in <see cref="BreakerFields"/>.
    /// </summary>
    public static string Breaker(string model, string region) => $"{Prefix}breaker:{model}:{region}";

    /// <summary>
    /// One time slice of a latency histogram: <c>ar:lat:{model}:{region}:{metric}:{slice}</c>, a hash of
    /// <c>LogHistogram</c> bucket index → sample count. <paramref name="metric"/> is <c>total</c>, <c>ttft</c> or
    /// <c>per_token</c>; <paramref name="slice"/> is Unix milliseconds / slice length. Expires a window plus a slice after its last write.
    /// </summary>
    public static string LatencySlice(string model, string region, string metric, long slice) =>
        $"{Prefix}lat:{model}:{region}:{metric}:{slice}";

    /// <summary>Failed attempts (probes and real traffic) in one time slice: <c>ar:lat:{model}:{region}:err:{slice}</c>, an integer.</summary>
    public static string LatencyErrors(string model, string region, long slice) => $"{Prefix}lat:{model}:{region}:err:{slice}";

    /// <summary>When the health probe last completed a probe of a model in a region: <c>ar:probe:last:{model}:{region}</c>, Unix milliseconds.</summary>
    public static string LastProbe(string model, string region) => $"{Prefix}probe:last:{model}:{region}";

    /// <summary>The health probe's leader lease: <c>ar:probe:leader</c>, the holder's id, with a TTL of the lease time.</summary>
    public const string ProbeLeader = Prefix + "probe:leader";

    /// <summary>When the probe leader last completed a round of every model in every region: <c>ar:probe:round</c>, Unix milliseconds.</summary>
    public const string ProbeRound = Prefix + "probe:round";

    /// <summary>
    /// The hash of <paramref name="team"/>'s spend on the UTC day <paramref name="day"/>:
    /// <c>ar:budget:{team}:day:{yyyyMMdd}</c>. Fields in <see cref="BudgetFields"/>; amounts are integer micro-USD.
    /// </summary>
    public static string BudgetDay(string team, DateOnly day) =>
        $"{Prefix}budget:{team}:day:{day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The hash of <paramref name="team"/>'s spend in a UTC month: <c>ar:budget:{team}:month:{yyyyMM}</c>.</summary>
    public static string BudgetMonth(string team, DateOnly day) =>
        $"{Prefix}budget:{team}:month:{day.ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Stream of budget alerts, one entry per threshold crossed per team and period, written by the gateways and the
    /// ledger alike: the JSON of a <see cref="Budgets.BudgetThresholdCrossed"/> in the field
    /// <see cref="Budgets.BudgetAlertStream.EventField"/> (read and write it through <see cref="Budgets.BudgetAlertStream"/>).
    /// </summary>
    public const string BudgetAlerts = Prefix + "budget-alerts";

    /// <summary>Virtual API keys: <c>ar:keys</c>, a hash of SHA-256(secret) → <c>ApiKeyRecord</c> JSON, written by the ledger.</summary>
    public const string ApiKeys = Prefix + "keys";

    /// <summary>Pub/sub channel on which a changed key's hash is announced, so gateways drop their cached copy at once.</summary>
    public const string ApiKeyChanges = Prefix + "keys:changed";

    /// <summary>
    /// A key's usage counter in one minute window: <c>ar:rl:{keyId}:{kind}:{minute}</c> with <paramref name="kind"/>
    /// <c>req</c> or <c>tok</c> and <paramref name="minute"/> Unix minutes. Expires two minutes after its window.
    /// </summary>
    public static string RateWindow(string keyId, string kind, long minute) =>
        $"{Prefix}rl:{keyId}:{kind}:{minute.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Fields of a budget hash (<see cref="RedisKeys.BudgetDay"/>, <see cref="RedisKeys.BudgetMonth"/>). Only the
/// gateway writes them, through its Lua scripts; the ledger and reports may read them. Amounts are micro-USD.
/// </summary>
public static class BudgetFields
{
    /// <summary>Settled spend of the period (the gateway's real costs, integer micro-USD).</summary>
    public const string Spent = "spent";

    /// <summary>Prefix of one in-flight reservation, <c>r:{request id}</c>; value <c>{micro-USD}:{lease end, Unix ms}</c>.</summary>
    public const string ReservationPrefix = "r:";

    /// <summary>Prefix of an alert already raised this period, <c>alert:{percent}</c>; value the spend when it fired.</summary>
    public const string AlertPrefix = "alert:";
}

/// <summary>
/// Fields of a breaker hash (<see cref="RedisKeys.Breaker"/>). Times are Unix milliseconds, durations milliseconds.
/// Only the gateway writes these hashes, always through its Lua script; other services may read them.
/// </summary>
public static class BreakerFields
{
    /// <summary><see cref="BreakerStates"/> value; a missing field means closed.</summary>
    public const string State = "state";

    /// <summary>When an open breaker admits its first trial request.</summary>
    public const string OpenUntil = "open_until";

    /// <summary>Length of the latest open period; doubles (up to a cap) each time a trial fails.</summary>
    public const string OpenDuration = "open_ms";

    /// <summary>Successful trials in the current half-open period.</summary>
    public const string TrialSuccesses = "trial_ok";

    /// <summary>When the state last changed.</summary>
    public const string ChangedAt = "changed_at";

    /// <summary>Incremented by every write; orders two readings of the same hash.</summary>
    public const string Version = "ver";

    /// <summary>End of the endpoint's rate-limit cool-down (set by a 429, to its Retry-After or a short default).</summary>
    public const string CoolUntil = "cool_until";

    /// <summary>Length of the latest cool-down.</summary>
    public const string CoolDuration = "cool_ms";

    /// <summary>
    /// End of the latest cool-down the provider asked for with Retry-After. While <see cref="CoolUntil"/> is later than
    /// this, the rest of the cool-down is the gateway's guess (a 429 without Retry-After).
    /// </summary>
    public const string ToldUntil = "told_until";

    /// <summary>When the endpoint last failed (5xx, timeout, connection or provider-auth error).</summary>
    public const string LastFailure = "last_fail";

    /// <summary>Failures in the window when the breaker last opened on evidence (0 when a failed trial reopened it).</summary>
    public const string TripFailures = "trip_f";

    /// <summary>Attempts in the window when the breaker last opened on evidence.</summary>
    public const string TripAttempts = "trip_n";

    /// <summary>Counter that numbers trial permits.</summary>
    public const string PermitSequence = "permit_seq";

    /// <summary>Prefix of one trial permit's field, <c>p:{id}</c>; its value is when the permit's lease ends.</summary>
    public const string PermitPrefix = "p:";

    /// <summary>Prefix of a window bucket's failure count, <c>f:{bucket}</c> (bucket = time / bucket length).</summary>
    public const string FailuresPrefix = "f:";

    /// <summary>Prefix of a window bucket's success count, <c>s:{bucket}</c>.</summary>
    public const string SuccessesPrefix = "s:";
}

/// <summary>Values of <see cref="BreakerFields.State"/>.</summary>
public static class BreakerStates
{
    public const string Closed = "closed";
    public const string Open = "open";
    public const string HalfOpen = "half_open";
}
