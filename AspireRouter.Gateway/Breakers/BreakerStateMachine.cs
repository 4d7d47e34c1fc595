namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// One breaker's state machine, step for step the one in <c>breaker.lua</c> (which runs it atomically in Redis); this
/// copy runs the local breakers while Redis is unreachable, and the tests hold the two to the same behaviour.
/// Closed → Open after <c>FailureThreshold</c> consecutive failures or a failure ratio over the window; Open → HalfOpen
/// on the first admission after the open period; HalfOpen → Closed after <c>SuccessesToClose</c> successful trials, or
/// → Open for twice as long (up to the cap) after one failed trial.
/// Recovery is gradual through the half-open stage only (a few trials at once, several successes in all); there is no
/// traffic ramp after closing: a request kept off a recovered model pays with a dearer or slower fallback, and a
/// relapse reopens the breaker after a handful of failures, for longer each time.
/// </summary>
internal static class BreakerStateMachine
{
    public static (bool Allowed, long Permit) Execute(BreakerRecord r, BreakerOp op, long arg, long now, BreakerSettings s)
    {
        var dirty = false;
        var current = now / s.BucketMs;
        var allowed = false;
        long permit = 0;
        var before = r.State;

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
                else if (r.State == BreakerState.HalfOpen && Trials(purge: true) < s.MaxConcurrentTrials)
                {
                    permit = ++r.PermitSequence;
                    r.Permits[permit] = now + s.LeaseMs;
                    allowed = true;
                    dirty = true;
                }

                break;

            case BreakerOp.Success or BreakerOp.Failure or BreakerOp.Release:
                var trial = arg > 0 && r.Permits.Remove(arg);
                dirty |= trial;
                if (op == BreakerOp.Release)
                {
                    break;
                }

                Window();
                var bucket = op == BreakerOp.Failure ? r.Failures : r.Successes;
                bucket[current] = bucket.GetValueOrDefault(current) + 1;
                dirty = true;
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
                        Open(Math.Min(Math.Max(r.OpenDuration, s.OpenMs) * 2, s.MaxOpenMs));
                    }
                }
                else if (before == BreakerState.Closed)
                {
                    if (op == BreakerOp.Success)
                    {
                        r.ConsecutiveFailures = 0;
                    }
                    else
                    {
                        r.ConsecutiveFailures++;
                        var (failures, successes) = Window();
                        var total = failures + successes;
                        if (r.ConsecutiveFailures >= s.FailureThreshold
                            || (total >= s.MinimumThroughput && failures >= s.FailureRatio * total))
                        {
                            Open(s.OpenMs);
                        }
                    }
                }

                break;

            case BreakerOp.Tally:
                Window();
                r.Successes[current] = r.Successes.GetValueOrDefault(current) + arg;
                dirty = true;
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

        void Open(long duration)
        {
            Go(BreakerState.Open);
            r.OpenDuration = duration;
            r.OpenUntil = now + duration;
            r.TrialSuccesses = 0;
            r.Permits.Clear();
        }

        void Close()
        {
            Go(BreakerState.Closed);
            r.ConsecutiveFailures = 0;
            r.TrialSuccesses = 0;
            r.Permits.Clear();
            r.Failures.Clear();
            r.Successes.Clear();
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

        int Trials(bool purge)
        {
            if (purge)
            {
                foreach (var id in r.Permits.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                {
                    r.Permits.Remove(id);
                    dirty = true;
                }
            }

            return r.Permits.Values.Count(end => end > now);
        }
    }
}
