using AspireRouter.ProviderSimulator.Latency;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>Answers a planned non-streamed request: waits the whole answer's time, then returns it at once.</summary>
public sealed class CompletionResponder(SimulationClock clock)
{
    public async Task<ChatCompletionResponse> CompleteAsync(CompletionPlan plan, CancellationToken cancellationToken)
    {
        await clock.DelayAsync(plan.Duration, plan.DelayFactor, cancellationToken);

        var choices = new ChatChoice[plan.Choices.Length];
        for (var i = 0; i < choices.Length; i++)
        {
            choices[i] = new ChatChoice(i, new AssistantMessage(plan.Answer(i).ToString()), plan.Choices[i].FinishReason);
        }

        return new ChatCompletionResponse(plan.Id, plan.Created, plan.ModelName, choices, plan.Usage());
    }
}
