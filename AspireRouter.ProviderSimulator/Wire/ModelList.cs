using System.Text.Json.Serialization;

namespace AspireRouter.ProviderSimulator.Wire;

/// <summary>OpenAI's model list: <c>{"object":"list","data":[…]}</c>.</summary>
public sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}

public sealed record ModelEntry([property: JsonPropertyOrder(-2)] string Id, long Created, string OwnedBy)
{
    [JsonPropertyOrder(-1)]
    public string Object => "model";
}
