namespace AspireRouter.Gateway.Requests;

/// <summary>
/// A request's exact prompt token count, made at most once, by whichever stage needs it first (a rate limit, a budget,
/// the context check near a window, an estimate without usage) and shared with the others. Tokenizing is the costliest
/// thing the gateway does to a body, and most requests never need it.
/// </summary>
public sealed class PromptTokenCount
{
    private int _tokens = -1;

    /// <summary>The count if some stage has made it.</summary>
    public bool TryGet(out int tokens)
    {
        tokens = Volatile.Read(ref _tokens);
        return tokens >= 0;
    }

    /// <summary>The count, made with <paramref name="count"/> the first time (a race counts twice, with the same result).</summary>
    public int GetOrCount<TState>(TState state, Func<TState, int> count)
    {
        if (TryGet(out var tokens))
        {
            return tokens;
        }

        tokens = count(state);
        Volatile.Write(ref _tokens, tokens);
        return tokens;
    }
}
