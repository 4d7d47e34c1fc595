using System.Text.Json;

namespace AspireRouter.Gateway.Execution;

/// <summary>What a provider's answer says about itself, for the attempt's span: the model that answered and why it stopped.</summary>
/// <param name="Model">The response's <c>model</c>, as the provider named it.</param>
/// <param name="FinishReason">The first choice's <c>finish_reason</c>.</param>
public readonly record struct ResponseFacts(string? Model, string? FinishReason);

/// <summary>OpenAI's finish reasons as shared strings: a stream's last chunk carries one, and it is read per stream.</summary>
internal static class FinishReasons
{
    public static string? Of(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("stop"u8) ? "stop"
        : reader.ValueTextEquals("length"u8) ? "length"
        : reader.ValueTextEquals("tool_calls"u8) ? "tool_calls"
        : reader.ValueTextEquals("content_filter"u8) ? "content_filter"
        : reader.GetString();
}
