using System.Text.Json.Serialization;

namespace AspireRouter.ProviderSimulator.Wire;

/// <summary>A <c>chat.completion</c> object.</summary>
public sealed record ChatCompletionResponse(
    [property: JsonPropertyOrder(-2)] string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatChoice> Choices,
    CompletionUsage Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object => "chat.completion";

    public string SystemFingerprint => ChatCompletionChunk.Fingerprint;
}

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason);

public sealed record AssistantMessage(string Content)
{
    [JsonPropertyOrder(-1)]
    public string Role => "assistant";
}

/// <summary>Token usage; reasoning tokens are counted inside <see cref="CompletionTokens"/>, as OpenAI does.</summary>
public sealed record CompletionUsage(
    int PromptTokens,
    int CompletionTokens,
    PromptTokensDetails PromptTokensDetails,
    CompletionTokensDetails CompletionTokensDetails)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

public sealed record PromptTokensDetails(int CachedTokens);

public sealed record CompletionTokensDetails(int ReasoningTokens);

/// <summary>A <c>chat.completion.chunk</c> object, one per server-sent event.</summary>
public sealed record ChatCompletionChunk(
    [property: JsonPropertyOrder(-2)] string Id,
    long Created,
    string Model,
    IReadOnlyList<ChunkChoice> Choices,
    CompletionUsage? Usage = null)
{
    public const string Fingerprint = "fp_simulator";

    [JsonPropertyOrder(-1)]
    public string Object => "chat.completion.chunk";

    public string SystemFingerprint => Fingerprint;
}

public sealed record ChunkChoice(
    int Index,
    ChunkDelta Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    string? FinishReason);

/// <summary>What one chunk adds; an empty delta (<c>{}</c>) comes with the finish reason.</summary>
public sealed record ChunkDelta(string? Role = null, string? Content = null)
{
    public static readonly ChunkDelta Empty = new();
}
