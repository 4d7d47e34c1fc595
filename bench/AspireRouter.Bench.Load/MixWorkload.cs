using System.Text.Json;

namespace AspireRouter.Bench.Load;

/// <summary>One request of the workload mix: the category it belongs to, whether it is sent as <c>auto</c>, its body.</summary>
public sealed record MixRequest(string Category, bool Auto, string Prompt, bool Image, int MaxTokens)
{
    /// <summary>The body with <paramref name="model"/> as its <c>model</c>.</summary>
    public byte[] Body(string model)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("role", "user");
            if (Image)
            {
                json.WriteStartArray("content");
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", Prompt);
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteString("type", "image_url");
                json.WriteStartObject("image_url");
                json.WriteString("url", MixWorkload.TinyPng);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
            }
            else
            {
                json.WriteString("content", Prompt);
            }

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNumber("max_tokens", MaxTokens);
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}

/// <summary>
/// The realistic mix: 70% light, 20% general, 7% reasoning, 3% multimodal by default, a share of each sent as
/// <c>auto</c> for the pre-classifier to place; drawn from a seeded generator so both runs replay the same requests.
/// </summary>
public static class MixWorkload
{
    /// <summary>A 1×1 PNG as a data URL: an image part without megabytes of base64.</summary>
    public const string TinyPng = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    public static readonly IReadOnlyList<(string Category, double Share)> DefaultShares =
        [("light", 0.70), ("general", 0.20), ("reasoning", 0.07), ("multimodal", 0.03)];

    private static readonly string[] Light =
    [
        "Say hello in five words.", "What is the capital of Canada?", "Translate 'good morning' into Spanish.",
        "Give me a synonym for quick.", "Is 17 a prime number?", "Spell 'necessary' backwards.",
    ];

    private static readonly string[] General =
    [
        "Write a short product description for a stainless steel water bottle that keeps drinks cold for 24 hours. Mention the lid, the weight and who it is for, in two paragraphs with a friendly tone.",
        "Summarise the main differences between TCP and UDP for a junior developer, with one example of an application that uses each and why it chose that protocol.",
        "Draft a polite email to a customer explaining that their order will arrive three days late because of a warehouse delay, and offer a discount code for the next purchase.",
    ];

    private static readonly string[] Reasoning =
    [
        "Prove step by step that the square root of 2 is irrational, and explain each inference.",
        "A train leaves at 9:40 at 80 km/h and another at 10:10 at 110 km/h on the same track. Think step by step: when and where does the second catch up?",
        "Analyze the trade-offs between optimistic and pessimistic locking in a distributed database and derive when each minimises expected latency. Reason carefully.",
    ];

    private static readonly string[] Multimodal = ["What is shown in this image?", "Describe the colours in this picture."];

    /// <summary>
    /// <paramref name="count"/> requests drawn with <paramref name="seed"/>; <paramref name="autoShare"/> of them ask
    /// for <c>auto</c> instead of naming their category.
    /// </summary>
    public static IReadOnlyList<MixRequest> Generate(int count, int seed, double autoShare, IReadOnlyList<(string Category, double Share)>? shares = null)
    {
        shares ??= DefaultShares;
        var random = new Random(seed);
        var total = shares.Sum(s => s.Share);
        var requests = new List<MixRequest>(count);
        for (var i = 0; i < count; i++)
        {
            var draw = random.NextDouble() * total;
            var category = shares[^1].Category;
            foreach (var (name, share) in shares)
            {
                if ((draw -= share) < 0)
                {
                    category = name;
                    break;
                }
            }

            var auto = random.NextDouble() < autoShare;
            requests.Add(category switch
            {
                "light" => new MixRequest(category, auto, Pick(random, Light), false, 32),
                "general" => new MixRequest(category, auto, Pick(random, General), false, 256),
                "reasoning" => new MixRequest(category, auto, Pick(random, Reasoning), false, 1024),
                _ => new MixRequest(category, auto, Pick(random, Multimodal), true, 128),
            });
        }

        return requests;
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
