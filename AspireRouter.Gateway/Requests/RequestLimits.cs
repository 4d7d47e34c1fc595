namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Bounds on what one chat completion may ask for. They are far above what any real client sends and exist so a
/// hostile body cannot make the gateway (or the provider it forwards to) do unbounded work.
/// </summary>
public static class RequestLimits
{
    /// <summary>Most messages in <c>messages</c>.</summary>
    public const int MaxMessages = 2048;

    /// <summary>Most content parts in one message's <c>content</c> array.</summary>
    public const int MaxContentParts = 256;

    /// <summary>Largest <c>max_tokens</c> / <c>max_completion_tokens</c>: above every registry model's output limit.</summary>
    public const int MaxTokens = 1_048_576;

    /// <summary>Most choices (<c>n</c>) one request may ask for.</summary>
    public const int MaxChoices = 16;

    /// <summary>Deepest JSON nesting accepted; real requests (tool schemas included) stay far below it.</summary>
    public const int MaxDepth = 64;
}
