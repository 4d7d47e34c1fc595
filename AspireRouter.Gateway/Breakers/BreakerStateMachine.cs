namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// One breaker's state machine, step for step the one in <c>breaker.lua</c> (which runs it atomically in Redis); this
/// copy runs the local breakers while Redis is unreachable, and the tests hold the two to the same behaviour.
/// <para>
/// Closed → Open on evidence: at least <c>FailureThreshold</c> failures in the window, and a failure ratio whose Wilson
/// lower bound (at confidence <c>z</c>) reaches <c>FailureRatio</c>; five failures and no success is the least evidence
/// that does (see <see cref="CircuitBreakerOptions"/>). Open → HalfOpen on the first admission after the open period;
/// HalfOpen → Closed after <c>SuccessesToClose</c> successful trials, or → Open for twice as long (up to the cap)
/// after one failed trial. A rate-limited answer (429) only sets the cool-down; it is neither a failure nor a success.
/// </para>
/// </summary>
internal static class BreakerStateMachine
{
    public static (bool Allowed, long Permit) Execute(BreakerRecord r, BreakerOp op, BreakerArgs args, long now, BreakerSettings s)
    {
        var dirty = false;
        var current = now / s.BucketMs;
        var allowed = false;
        long permit = 0;
        var before = r.State;

        Add(r.Successes, args.Successes);
        switch (op)
        {
            case BreakerOp.Admit:
                if (before == BreakerState.Open && now >= r.OpenUntil)
                {
                    Go(BreakerState.HalfOpen);
                    r.TrialSuccesses = 0;
                    r.Permits.Clear();
                }

                if (r.State == BreakerState.Closed)
                {
                    allowed = true;
                }
                else if (r.State == BreakerState.HalfOpen && Trials() < s.MaxConcurrentTrials)
                {
                    permit = ++r.PermitSequence;
                    r.Permits[permit] = now + s.LeaseMs;
                    allowed = true;
                    dirty = true;
                }

                break;

            case BreakerOp.Success or BreakerOp.Failure or BreakerOp.Release or BreakerOp.Throttled:
                var trial = args.Permit > 0 && r.Permits.Remove(args.Permit);
                dirty |= trial;
                if (op == BreakerOp.Throttled)
                {
                    if (args.CoolUntil > r.CoolUntil)
                    {
                        r.CoolDuration = args.CoolUntil - now;
                        r.CoolUntil = args.CoolUntil;
                        dirty = true;
                    }

                    if (args.Told && args.CoolUntil > r.ToldUntil)
                    {
                        r.ToldUntil = args.CoolUntil;
                        dirty = true;
                    }

                    break;
                }

                if (op == BreakerOp.Release)
                {
                    break;
                }

                Add(op == BreakerOp.Failure ? r.Failures : r.Successes, 1);
                if (op == BreakerOp.Failure)
                {
                    r.LastFailure = now;
                }

                if (trial && before == BreakerState.HalfOpen)
                {
                    if (op == BreakerOp.Success)
                    {
                        if (++r.TrialSuccesses >= s.SuccessesToClose)
                        {
                            Close();
                        }
                    }
                    else
                    {
                        Open(Math.Min(Math.Max(r.OpenDuration, s.OpenMs) * 2, s.MaxOpenMs), 0, 0);
                    }
                }
                else if (before == BreakerState.Closed && op == BreakerOp.Failure)
                {
                    var (failures, successes) = Window();
                    if (failures >= s.FailureThreshold && FailureEvidence.LowerBound(failures, failures + successes + args.InFlight, s.Confidence) >= s.FailureRatio)
                    {
                        Open(s.OpenMs, failures, failures + successes);
                    }
                }

                // A non-trial outcome while open or half-open only counts in the window: it was admitted before the
                // breaker opened, or tried in panic mode.
                break;
        }

        if (dirty)
        {
            r.Version++;
        }

        return (allowed, permit);

        void Go(BreakerState state)
        {
            r.State = state;
            r.ChangedAt = now;
            dirty = true;
        }

        void Open(long duration, long failures, long attempts)
        {
            Go(BreakerState.Open);
            r.OpenDuration = duration;
            r.OpenUntil = now + duration;
            r.TrialSuccesses = 0;
            r.TripFailures = failures;
            r.TripAttempts = attempts;
            r.Permits.Clear();
        }

        void Close()
        {
            Go(BreakerState.Closed);
            r.TrialSuccesses = 0;
            r.Permits.Clear();
            r.Failures.Clear();
            r.Successes.Clear();
        }

        void Add(Dictionary<long, long> buckets, long count)
        {
            if (count > 0)
            {
                Window();
                buckets[current] = buckets.GetValueOrDefault(current) + count;
                dirty = true;
            }
        }

        (long Failures, long Successes) Window()
        {
            var oldest = current - s.Buckets;
            Drop(r.Failures);
            Drop(r.Successes);
            return (r.Failures.Values.Sum(), r.Successes.Values.Sum());

            void Drop(Dictionary<long, long> buckets)
            {
                foreach (var index in buckets.Keys.Where(i => i <= oldest).ToList())
                {
                    buckets.Remove(index);
                    dirty = true;
                }
            }
        }

        int Trials()
        {
            foreach (var id in r.Permits.Where(p => p.Value <= now).Select(p => p.Key).ToList())
            {
                r.Permits.Remove(id);
                dirty = true;
            }

            return r.Permits.Count;
        }
    }
}

/// <summary>The arguments of one breaker operation.</summary>
/// <param name="Permit">The trial permit the attempt held (0 = none).</param>
/// <param name="Successes">Successes counted by the caller since its last call, added to the window first.</param>
/// <param name="CoolUntil">For <see cref="BreakerOp.Throttled"/>: the end of the cool-down, Unix ms.</param>
/// <param name="Told">For <see cref="BreakerOp.Throttled"/>: the cool-down is the provider's Retry-After, not a guess.</param>
/// <param name="InFlight">
/// For <see cref="BreakerOp.Failure"/>: the caller's attempts on the endpoint that have no outcome yet. They count as not
/// failed when the failure is judged: a failure comes back in milliseconds while an answer takes hundreds, so right
/// after the window empties (a reset, a quiet period) the first outcomes are the failures alone, even at 50 %.
/// </param>
internal readonly record struct BreakerArgs(long Permit = 0, long Successes = 0, long CoolUntil = 0, bool Told = false, long InFlight = 0);

/// <summary>How sure the window makes us that a model fails at least a given share of its attempts.</summary>
internal static class FailureEvidence
{
    /// <summary>
    /// The Wilson score interval's lower bound of the failure ratio <paramref name="failures"/> / <paramref name="attempts"/>
    /// at confidence <paramref name="z"/> (1.96 ≈ 95 %): the same formula, in the same order, as <c>breaker.lua</c>.
    /// </summary>
    public static double LowerBound(long failures, long attempts, double z)
    {
        if (attempts <= 0)
        {
            return 0;
        }

        double n = attempts;
        var p = failures / n;
        var z2 = z * z;
        return (p + z2 / (2 * n) - z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n);
    }
}
