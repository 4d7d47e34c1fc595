namespace AspireRouter.Testing;

/// <summary>
/// How long and how often <see cref="Eventually"/> polls, and which errors only mean "not yet" (a database still being
/// created, a server coming back) rather than a failure.
/// </summary>
/// <param name="Timeout">How long to wait before failing.</param>
public sealed record Patience(TimeSpan Timeout)
{
    /// <summary>The pause between two polls unless <see cref="Interval"/> says otherwise: 100 ms.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The pause between two polls. Default: <see cref="DefaultInterval"/>.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Errors of a poll that mean "not yet": polled again until the timeout, then reported with it. Default: none.</summary>
    public Func<Exception, bool> NotYet { get; init; } = static _ => false;
}
