using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tokens;

/// <summary>
/// The configuration section <c>TokenEstimation</c>: how a request's size is checked against each model's context
/// window. Prompts are counted with the o200k_base tokenizer and scaled by a per-family factor, since each
/// provider's own tokenizer splits text differently.
/// </summary>
public sealed class TokenEstimationOptions
{
    public const string SectionName = "TokenEstimation";

    /// <summary>
    /// Multiplier from o200k_base counts to a family's counts. Defaults: qwen 1.10, deepseek 1.05, kimi 1.00,
    /// glm 1.10 (conservative: an over-estimate skips a model, an under-estimate costs a provider 400).
    /// A family not listed uses <see cref="DefaultFamilyFactor"/>.
    /// </summary>
    public Dictionary<string, double> FamilyFactors { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["qwen"] = 1.10,
        ["deepseek"] = 1.05,
        ["kimi"] = 1.00,
        ["glm"] = 1.10,
    };

    /// <summary>Factor for a family without its own entry. Default: 1.10.</summary>
    [Range(0.5, 3.0)]
    public double DefaultFamilyFactor { get; set; } = 1.10;

    /// <summary>Tokens counted per message for role and framing. Default: 4.</summary>
    [Range(0, 64)]
    public int TokensPerMessage { get; set; } = 4;

    /// <summary>Tokens counted per image part (a high-detail 1024² image is ~765 in OpenAI's accounting). Default: 1,000.</summary>
    [Range(0, 100_000)]
    public int TokensPerImage { get; set; } = 1_000;

    /// <summary>Completion room assumed when the request sets no <c>max_tokens</c>. Default: 1,024.</summary>
    [Range(1, 1_000_000)]
    public int DefaultCompletionTokens { get; set; } = 1_024;

    /// <summary>Extra room reserved on reasoning models for their hidden reasoning tokens. Default: 4,096.</summary>
    [Range(0, 1_000_000)]
    public int ReasoningReserveTokens { get; set; } = 4_096;
}

[OptionsValidator]
public sealed partial class TokenEstimationOptionsValidator : IValidateOptions<TokenEstimationOptions>;

/// <summary>Per-family factors must be in a sane range; the message quotes the bad entry.</summary>
public sealed class TokenEstimationFactorsValidator : IValidateOptions<TokenEstimationOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenEstimationOptions options)
    {
        var bad = options.FamilyFactors.Where(f => f.Value is < 0.5 or > 3.0 || double.IsNaN(f.Value)).ToList();
        return bad.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(bad.Select(f => $"TokenEstimation:FamilyFactors:{f.Key} must be in [0.5, 3.0] (got {f.Value})."));
    }
}
