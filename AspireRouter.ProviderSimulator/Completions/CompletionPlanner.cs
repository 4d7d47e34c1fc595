using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using AspireRouter.Contracts.Registry;
using AspireRouter.ProviderSimulator.Configuration;
using AspireRouter.ProviderSimulator.Faults;
using AspireRouter.ProviderSimulator.Latency;
using Microsoft.Extensions.Options;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>
/// Checks a request against its model as a real provider would (messages, capabilities, limits, context window)
/// and draws its answer: lengths, finish reasons and timings.
/// </summary>
public sealed class CompletionPlanner(
    PromptTokenCounter tokenCounter,
    LatencySampler sampler,
    SimulationClock clock,
    IOptions<SimulatorOptions> options)
{
    public const int MaxChoices = 8;

    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    public bool TryPlan(
        ChatCompletionRequest request,
        ModelSpec model,
        FaultSpec? fault,
        [NotNullWhen(true)] out CompletionPlan? plan,
        [NotNullWhen(false)] out ProviderError? error)
    {
        plan = null;
        error = ValidateMessages(request, model) ?? ValidateParameters(request, model);
        if (error is not null)
        {
            return false;
        }

        var promptTokens = tokenCounter.Count(request);
        var limit = request.CompletionTokenLimit;
        if (promptTokens + (limit ?? 0) > model.ContextWindow)
        {
            error = ProviderError.InvalidRequest(
                $"This model's maximum context length is {model.ContextWindow} tokens. However, you requested {promptTokens + (limit ?? 0)} tokens ({promptTokens} in the messages, {limit ?? 0} in the completion). Please reduce the length of the messages or completion.",
                "messages",
                "context_length_exceeded");
            return false;
        }

        var profile = options.Value.ProfileFor(model.Id);
        var budget = Math.Min(limit ?? model.MaxOutputTokens, model.ContextWindow - promptTokens);
        var choices = ImmutableArray.CreateBuilder<ChoicePlan>(request.N ?? 1);
        for (var index = 0; index < choices.Capacity; index++)
        {
            var wanted = sampler.OutputTokens(profile);
            var reasoning = model.Capabilities.Reasoning ? Math.Min(sampler.ReasoningTokens(profile), budget / 2) : 0;
            var content = Math.Min(wanted, budget - reasoning);
            choices.Add(new ChoicePlan(Seed(request.Seed, index), content, reasoning, content < wanted ? "length" : "stop"));
        }

        plan = new CompletionPlan(
            model,
            CompletionIds.New(),
            clock.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            promptTokens,
            choices.MoveToImmutable(),
            request.WantsJson,
            request.StreamOptions?.IncludeUsage == true,
            sampler.TimeToFirstToken(profile, promptTokens),
            sampler.PerOutputToken(profile),
            clock.TimeScale * (fault?.LatencyMultiplier ?? 1.0),
            fault?.FailMidStream == true);
        return true;
    }

    private static ProviderError? ValidateMessages(ChatCompletionRequest request, ModelSpec model)
    {
        if (request.Messages is null)
        {
            return ProviderError.InvalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (request.Messages.Count == 0)
        {
            return ProviderError.InvalidRequest("[] is too short - 'messages'", "messages", "empty_array");
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            if (message.Role is null)
            {
                return ProviderError.InvalidRequest(
                    $"Missing required parameter: 'messages.[{i}].role'.", $"messages.[{i}].role", "missing_required_parameter");
            }

            if (!Roles.Contains(message.Role))
            {
                return ProviderError.InvalidRequest(
                    $"Invalid value: '{message.Role}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.",
                    $"messages.[{i}].role",
                    "invalid_value");
            }

            var parts = message.Content?.Parts ?? [];
            var image = parts.FindIndex(p => p.IsImage);
            if (image >= 0 && !model.Capabilities.Vision)
            {
                return ProviderError.InvalidRequest(
                    "Invalid content type. image_url is only supported by certain models.",
                    $"messages.[{i}].content.[{image}].type");
            }
        }

        return null;
    }

    private static ProviderError? ValidateParameters(ChatCompletionRequest request, ModelSpec model)
    {
        if (request.HasTools && !model.Capabilities.Tools)
        {
            return ProviderError.InvalidRequest(
                $"Unsupported parameter: 'tools' is not supported with model `{model.ProviderModelId}`.", "tools", "unsupported_parameter");
        }

        if (request.WantsJson && !model.Capabilities.JsonMode)
        {
            return ProviderError.InvalidRequest(
                $"Invalid parameter: 'response_format' of type '{request.ResponseFormat!.Type}' is not supported with model `{model.ProviderModelId}`.",
                "response_format",
                "unsupported_parameter");
        }

        if (request.N is < 1 or > MaxChoices)
        {
            return ProviderError.InvalidRequest(
                $"Invalid 'n': expected a value between 1 and {MaxChoices}, but got {request.N} instead.", "n", "invalid_value");
        }

        var param = request.CompletionTokenLimitParam;
        return request.CompletionTokenLimit switch
        {
            < 1 and var limit => ProviderError.InvalidRequest(
                $"Invalid '{param}': integer below minimum value. Expected a value >= 1, but got {limit} instead.", param, "integer_below_min_value"),
            { } limit when limit > model.MaxOutputTokens => ProviderError.InvalidRequest(
                $"{param} is too large: {limit}. This model supports at most {model.MaxOutputTokens} completion tokens, whereas you provided {limit}.",
                param,
                "invalid_value"),
            _ => null,
        };
    }

    /// <summary>A request's own seed makes its words repeatable; otherwise every answer differs.</summary>
    private static ulong Seed(long? requestSeed, int choice) =>
        requestSeed is { } seed
            ? unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)choice + 1)
            : (ulong)Random.Shared.NextInt64() | 1;
}
