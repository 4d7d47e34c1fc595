using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>One line of a labeled set: a prompt as a user wrote it and the category it really needs.</summary>
internal sealed record LabeledPrompt(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("image")] bool Image = false,
    [property: JsonPropertyName("system")] string? System = null)
{
    /// <summary>The main set (<c>labeled-prompts.jsonl</c>), written before the rules.</summary>
    public const string MainSet = "labeled-prompts.jsonl";

    /// <summary>Written after the first rule draft; its misses shaped the structural rules (instruction vs payload, quantitative questions).</summary>
    public const string HoldoutSet = "labeled-prompts-holdout.jsonl";

    /// <summary>Written after the rules were frozen and measured once; never used to tune.</summary>
    public const string HoldoutSet2 = "labeled-prompts-holdout2.jsonl";

    public static IReadOnlyList<LabeledPrompt> Load(string file = MainSet)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Classification", file);
        return [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<LabeledPrompt>(l)!)];
    }
}
