using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace AspireRouter.ProviderSimulator.Tests.Wire;

/// <summary>The official OpenAI .NET SDK, unchanged, pointed at the simulator: what the health probe does.</summary>
public sealed class OpenAiSdkTests(SimulatorFactory factory) : IClassFixture<SimulatorFactory>
{
    [Fact]
    public async Task OpenAiSdk_CompleteChat_ReturnsTextAndUsage()
    {
        var chat = CreateChatClient("deepseek-v4-flash");

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new SystemChatMessage("You are terse."), new UserChatMessage("Hello")]);

        Assert.Equal("deepseek-v4-flash", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 8);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task OpenAiSdk_CompleteChatStreaming_ReturnsTextFinishReasonAndUsage()
    {
        var chat = CreateChatClient("qwen-3-5-397b");

        var text = new StringBuilder();
        ChatFinishReason? finishReason = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finishReason ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.False(string.IsNullOrWhiteSpace(text.ToString()));
        Assert.Equal(ChatFinishReason.Stop, finishReason);
        Assert.NotNull(usage);
        Assert.Equal(8, usage.InputTokenCount);
        Assert.True(usage.OutputTokenDetails.ReasoningTokenCount > 0);
        Assert.True(usage.OutputTokenCount > usage.OutputTokenDetails.ReasoningTokenCount);
    }

    [Fact]
    public async Task OpenAiSdk_UnknownModel_ThrowsClientResultExceptionWith404()
    {
        var chat = CreateChatClient("gpt-9");

        var failure = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("Hello")]));

        Assert.Equal(404, failure.Status);
    }

    private ChatClient CreateChatClient(string model) => new(
        model,
        new ApiKeyCredential(SimulatorFactory.ApiKey),
        new OpenAIClientOptions
        {
            Endpoint = new Uri(factory.Server.BaseAddress, "v1"),
            Transport = new HttpClientPipelineTransport(factory.CreateClient()),
        });
}
