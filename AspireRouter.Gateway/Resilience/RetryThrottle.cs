using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Resilience;

/// <summary>
/// Per candidate (<c>{model}@{region}</c>), this gateway's recent attempts, accepted attempts, refused extra attempts and
/// panic attempts in a sliding window, and the adaptive throttle on extra attempts that reads them
/// (see <see cref="RetryThrottleOptions"/>). Per candidate, as the SRE book throttles per backend: a dead region or
/// model stops receiving extra attempts while the request moves on to candidates that still answer. Local to the
/// instance, like the book's client-side throttle: no Redis call on the request path; each gateway learns what it sees.
/// </summary>
public sealed class RetryThrottle
{
    private const int Buckets = 6;

    private readonly RetryThrottleOptions _options;
    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly ConcurrentDictionary<string, Scope> _scopes = new(StringComparer.Ordinal);

    /// <param name="options">The throttle's settings.</param>
    /// <param name="time">The clock of the window.</param>
    /// <param name="meters">Publishes the refusal probability per scope as a gauge, when given.</param>
    public RetryThrottle(IOptions<RetryThrottleOptions> options, TimeProvider time, IMeterFactory? meters = null)
    {
        _options = options.Value;
        _time = time;
        _bucketTicks = _options.Window.Ticks / Buckets;
        meters?.Create(MeterName).CreateObservableGauge(
            "aspirerouter.retry_throttle.refusal_probability",
            () => Snapshot().Select(s => new Measurement<double>(s.RefusalProbability, new KeyValuePair<string, object?>("candidate", s.Scope))),
            description: "The chance that the adaptive retry throttle refuses an extra attempt on a candidate now, by model@region (this instance).");
    }

    /// <summary>The meter of the throttle's gauge.</summary>
    public const string MeterName = "AspireRouter.Gateway.Resilience";

    /// <summary>Counts an attempt on <paramref name="scope"/> (a candidate) that ran to a verdict: <paramref name="accepted"/> when the provider answered it.</summary>
    public void OnAttempt(string scope, bool accepted) => For(scope).Add(Now(), attempts: 1, accepts: accepted ? 1 : 0);

    /// <summary>Counts a panic attempt (a candidate tried while every candidate was out).</summary>
    public void OnPanic(string scope) => For(scope).Add(Now(), panics: 1);

    /// <summary>
    /// Whether an extra attempt (not a request's first) may go to <paramref name="scope"/> (a candidate). A refused one counts as an attempt that
    /// was not accepted, as in the SRE book: while the provider fails, the refusals keep the ratio where it is.
    /// </summary>
    public bool AllowExtra(string scope, double random)
    {
        if (!_options.Enabled)
        {
            return true;
        }

        var entry = For(scope);
        var now = Now();
        if (random >= RefusalProbability(entry.Totals(now)))
        {
            return true;
        }

        entry.Add(now, attempts: 1, refused: 1);
        return false;
    }

    /// <summary>Every scope seen in the window, for the status page and the gauge.</summary>
    public IReadOnlyList<ThrottleStatus> Snapshot()
    {
        var now = Now();
        List<ThrottleStatus> statuses = [];
        foreach (var (name, scope) in _scopes)
        {
            var totals = scope.Totals(now);
            if (totals.Attempts + totals.Panics > 0)
            {
                statuses.Add(new ThrottleStatus(name, totals.Attempts, totals.Accepts, totals.Refused, totals.Panics, RefusalProbability(totals)));
            }
        }

        return [.. statuses.OrderBy(s => s.Scope, StringComparer.Ordinal)];
    }

    private double RefusalProbability(Totals totals) =>
        !_options.Enabled || totals.Attempts < _options.MinimumAttempts
            ? 0
            : Math.Max(0, (totals.Attempts - (_options.K * totals.Accepts)) / (totals.Attempts + 1));

    private long Now() => _time.GetUtcNow().UtcTicks / _bucketTicks;

    private Scope For(string scope) => _scopes.GetOrAdd(scope, static _ => new Scope());

    private readonly record struct Totals(long Attempts, long Accepts, long Refused, long Panics);

    /// <summary>A ring of buckets; each remembers which bucket number it holds, so stale ones read as empty.</summary>
    private sealed class Scope
    {
        private readonly Lock _gate = new();
        private readonly long[] _index = new long[Buckets];
        private readonly Totals[] _counts = new Totals[Buckets];

        public void Add(long bucket, long attempts = 0, long accepts = 0, long refused = 0, long panics = 0)
        {
            var slot = (int)(bucket % Buckets);
            lock (_gate)
            {
                if (_index[slot] != bucket)
                {
                    _index[slot] = bucket;
                    _counts[slot] = default;
                }

                var c = _counts[slot];
                _counts[slot] = new Totals(c.Attempts + attempts, c.Accepts + accepts, c.Refused + refused, c.Panics + panics);
            }
        }

        public Totals Totals(long bucket)
        {
            long attempts = 0, accepts = 0, refused = 0, panics = 0;
            lock (_gate)
            {
                for (var i = 0; i < Buckets; i++)
                {
                    if (_index[i] > bucket - Buckets)
                    {
                        var c = _counts[i];
                        (attempts, accepts, refused, panics) = (attempts + c.Attempts, accepts + c.Accepts, refused + c.Refused, panics + c.Panics);
                    }
                }
            }

            return new Totals(attempts, accepts, refused, panics);
        }
    }
}

/// <summary>One scope's window as the throttle sees it.</summary>
/// <param name="Scope">The candidate, <c>{model}@{region}</c>.</param>
/// <param name="Attempts">Attempts that ran to a verdict, plus refused extra attempts.</param>
/// <param name="Accepts">Attempts the provider answered (a success or the client's own error).</param>
/// <param name="Refused">Extra attempts the throttle refused.</param>
/// <param name="Panics">Attempts made in panic mode.</param>
/// <param name="RefusalProbability">The chance an extra attempt is refused now.</param>
public sealed record ThrottleStatus(string Scope, long Attempts, long Accepts, long Refused, long Panics, double RefusalProbability);
