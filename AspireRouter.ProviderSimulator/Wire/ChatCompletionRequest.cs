using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.ProviderSimulator.Wire;

/// <summary>
/// The part of an OpenAI Chat Completions request the simulator acts on; every other field (temperature, tool_choice,
/// provider extensions, …) is accepted and ignored.
/// </summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; init; }

    public List<ChatMessage>? Messages { get; init; }

    /// <summary>Legacy cap on completion tokens; <see cref="MaxCompletionTokens"/> wins when both are sent.</summary>
    public int? MaxTokens { get; init; }

    public int? MaxCompletionTokens { get; init; }

    /// <summary>Number of choices, 1 to 8.</summary>
    public int? N { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    /// <summary>Tool definitions, kept raw: only their size (prompt tokens) and presence matter.</summary>
    public JsonElement? Tools { get; init; }

    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>Makes the generated words repeatable.</summary>
    public long? Seed { get; init; }

    [JsonIgnore]
    public int? CompletionTokenLimit => MaxCompletionTokens ?? MaxTokens;

    [JsonIgnore]
    public string CompletionTokenLimitParam => MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens";

    [JsonIgnore]
    public bool HasTools => Tools is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0;

    /// <summary><c>json_object</c> or <c>json_schema</c>: the answer is a JSON object.</summary>
    [JsonIgnore]
    public bool WantsJson => ResponseFormat?.Type is "json_object" or "json_schema";
}

public sealed class ChatMessage
{
    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public MessageContent? Content { get; init; }

    public string? Name { get; init; }

    /// <summary>An assistant's earlier tool calls, kept raw for their prompt tokens.</summary>
    public JsonElement? ToolCalls { get; init; }
}

public sealed class StreamOptions
{
    public bool? IncludeUsage { get; init; }
}

public sealed class ResponseFormat
{
    public string? Type { get; init; }
}
