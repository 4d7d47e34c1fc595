using System.Globalization;
using AspireRouter.Contracts.Redis;

namespace AspireRouter.Gateway.Breakers;

/// <summary>A breaker's full state, field for field the Redis hash (<see cref="BreakerFields"/>). Times in Unix ms.</summary>
internal sealed class BreakerRecord
{
    public BreakerState State { get; set; }
    public long OpenUntil { get; set; }
    public long OpenDuration { get; set; }
    public long TrialSuccesses { get; set; }
    public long ChangedAt { get; set; }
    public long Version { get; set; }
    public long PermitSequence { get; set; }
    public long CoolUntil { get; set; }
    public long CoolDuration { get; set; }
    public long ToldUntil { get; set; }
    public long LastFailure { get; set; }
    public long TripFailures { get; set; }
    public long TripAttempts { get; set; }

    /// <summary>Trial permits: id → end of lease.</summary>
    public Dictionary<long, long> Permits { get; } = [];

    /// <summary>Window buckets: bucket number → count.</summary>
    public Dictionary<long, long> Failures { get; } = [];
    public Dictionary<long, long> Successes { get; } = [];

    public static BreakerRecord Parse(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var record = new BreakerRecord();
        foreach (var (field, value) in fields)
        {
            switch (field)
            {
                case BreakerFields.State: record.State = ParseState(value); break;
                case BreakerFields.OpenUntil: record.OpenUntil = Number(value); break;
                case BreakerFields.OpenDuration: record.OpenDuration = Number(value); break;
                case BreakerFields.TrialSuccesses: record.TrialSuccesses = Number(value); break;
                case BreakerFields.ChangedAt: record.ChangedAt = Number(value); break;
                case BreakerFields.Version: record.Version = Number(value); break;
                case BreakerFields.PermitSequence: record.PermitSequence = Number(value); break;
                case BreakerFields.CoolUntil: record.CoolUntil = Number(value); break;
                case BreakerFields.CoolDuration: record.CoolDuration = Number(value); break;
                case BreakerFields.ToldUntil: record.ToldUntil = Number(value); break;
                case BreakerFields.LastFailure: record.LastFailure = Number(value); break;
                case BreakerFields.TripFailures: record.TripFailures = Number(value); break;
                case BreakerFields.TripAttempts: record.TripAttempts = Number(value); break;
                default:
                    AddIndexed(record, field, value);
                    break;
            }
        }

        return record;
    }

    /// <summary>A record that starts where a snapshot left off (local breakers taking over from Redis).</summary>
    /// <remarks>The window's counts are not carried over: the local breaker starts a fresh window.</remarks>
    public static BreakerRecord From(BreakerStatus status) => new()
    {
        State = status.State,
        OpenUntil = status.OpenUntil?.ToUnixTimeMilliseconds() ?? 0,
        OpenDuration = (long)status.OpenDuration.TotalMilliseconds,
        TrialSuccesses = status.TrialSuccesses,
        ChangedAt = status.ChangedAt?.ToUnixTimeMilliseconds() ?? 0,
        Version = status.Version,
        CoolUntil = status.CoolUntil?.ToUnixTimeMilliseconds() ?? 0,
        CoolDuration = (long)status.CoolDuration.TotalMilliseconds,
        ToldUntil = status.ToldUntil?.ToUnixTimeMilliseconds() ?? 0,
        LastFailure = status.LastFailureAt?.ToUnixTimeMilliseconds() ?? 0,
        TripFailures = status.TripFailures,
        TripAttempts = status.TripAttempts,
    };

    /// <summary>The status as of <paramref name="now"/>: counts of the window's buckets only, a cool-down only while it lasts.</summary>
    public BreakerStatus ToStatus(BreakerKey key, long now, BreakerSettings settings) => new(
        key,
        State,
        State == BreakerState.Open ? DateTimeOffset.FromUnixTimeMilliseconds(OpenUntil) : null,
        TimeSpan.FromMilliseconds(OpenDuration),
        (int)TrialSuccesses,
        Permits.Values.Count(end => end > now),
        ChangedAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ChangedAt) : null,
        Version)
    {
        WindowFailures = InWindow(Failures, now, settings),
        WindowSuccesses = InWindow(Successes, now, settings),
        CoolUntil = CoolUntil > now ? DateTimeOffset.FromUnixTimeMilliseconds(CoolUntil) : null,
        CoolDuration = TimeSpan.FromMilliseconds(CoolDuration),
        ToldUntil = ToldUntil > now ? DateTimeOffset.FromUnixTimeMilliseconds(ToldUntil) : null,
        LastFailureAt = LastFailure > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(LastFailure) : null,
        TripFailures = (int)TripFailures,
        TripAttempts = (int)TripAttempts,
    };

    private static long InWindow(Dictionary<long, long> buckets, long now, BreakerSettings settings)
    {
        var oldest = now / settings.BucketMs - settings.Buckets;
        long sum = 0;
        foreach (var (index, count) in buckets)
        {
            sum += index > oldest ? count : 0;
        }

        return sum;
    }

    public static string StateName(BreakerState state) => state switch
    {
        BreakerState.Open => BreakerStates.Open,
        BreakerState.HalfOpen => BreakerStates.HalfOpen,
        _ => BreakerStates.Closed,
    };

    public static BreakerState ParseState(string? value) => value switch
    {
        BreakerStates.Open => BreakerState.Open,
        BreakerStates.HalfOpen => BreakerState.HalfOpen,
        _ => BreakerState.Closed,
    };

    private static void AddIndexed(BreakerRecord record, string field, string value)
    {
        if (field.Length < 3 || !long.TryParse(field.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return;
        }

        var target = field[..2] switch
        {
            BreakerFields.PermitPrefix => record.Permits,
            BreakerFields.FailuresPrefix => record.Failures,
            BreakerFields.SuccessesPrefix => record.Successes,
            _ => null,
        };
        target?.Add(index, Number(value));
    }

    private static long Number(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
