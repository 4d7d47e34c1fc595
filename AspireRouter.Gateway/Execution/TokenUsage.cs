namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Token counts in OpenAI's <c>usage</c> shape: <see cref="CachedInput"/> is part of <see cref="Input"/> and
/// <see cref="Reasoning"/> is part of <see cref="Output"/>, so output is billed once, reasoning included.
/// </summary>
public readonly record struct TokenUsage(long Input, long CachedInput, long Output, long Reasoning)
{
    public static TokenUsage operator +(TokenUsage a, TokenUsage b) =>
        new(a.Input + b.Input, a.CachedInput + b.CachedInput, a.Output + b.Output, a.Reasoning + b.Reasoning);
}
