using System.Buffers;
using System.Text;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Execution;

namespace AspireRouter.Gateway.Tests.Costs;

public sealed class UsageParsingTests
{
    [Fact]
    public async Task Completion_UsageWithCachedAndReasoningTokens_IsRead()
    {
        var body = await CostTestKit.Completion("m", 1200, 300, cached: 1000, reasoning: 200).Content.ReadAsStringAsync();

        var usage = CompletionJson.Usage(Encoding.UTF8.GetBytes(body));

        Assert.Equal(new TokenUsage(1200, 1000, 300, 200), usage);
    }

    [Fact]
    public void Completion_DeepSeekCacheHitSpelling_CountsAsCached()
    {
        var usage = CompletionJson.Usage("""{"usage":{"prompt_tokens":100,"completion_tokens":5,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}}"""u8);

        Assert.Equal(new TokenUsage(100, 64, 5, 0), usage);
    }

    [Theory]
    [InlineData("""{"choices":[]}""")]
    [InlineData("""{"usage":null}""")]
    [InlineData("""not json""")]
    [InlineData("""{"usage":{"prompt_tokens":"x"}""")]
    public void Body_WithoutUsableUsage_GivesNullOrZeros_NeverThrows(string body)
    {
        var usage = CompletionJson.Usage(Encoding.UTF8.GetBytes(body));

        Assert.True(usage is null || usage.Value == default);
    }

    [Fact]
    public void Cost_BillsReasoningAsPartOfOutput_Once_AndCachedAtTheCachedPrice()
    {
        var price = new ModelPrice(1m, 0.1m, 4m, new DateOnly(2026, 1, 1));
        var usage = new TokenUsage(Input: 1_000_000, CachedInput: 400_000, Output: 500_000, Reasoning: 300_000);

        var cost = price.Cost(usage.Input, usage.CachedInput, usage.Output);

        Assert.Equal(0.6m + 0.04m + 2m, cost); // reasoning tokens are inside the 500k output, not added again
    }

    [Theory]
    [InlineData("0.00001234", 0.00001234)]
    [InlineData("0", 0)]
    [InlineData("1.5", 1.5)]
    [InlineData("0.0000000001", 0.00000000012)]
    public void CostHeader_IsInvariant_WithAtMostTenDecimals(string expected, double usd) =>
        Assert.Equal(expected, CostAccountant.FormatUsd((decimal)usd));

    [Fact]
    public void Tap_WithoutClientUsage_DropsTheUsageChunk_AndReadsIt()
    {
        var tap = new SseUsageTap(stripUsageChunk: true);
        var stream = StubProvider.Chunk("m", "Hello") + CostTestKit.UsageChunk("m", 12, 7) + "data: [DONE]\n\n";
        var output = new ArrayBufferWriter<byte>();

        // Fed in 7-byte pieces: events split anywhere must still be recognised.
        var bytes = Encoding.UTF8.GetBytes(stream);
        for (var i = 0; i < bytes.Length; i += 7)
        {
            tap.Process(bytes.AsSpan(i, Math.Min(7, bytes.Length - i)), output);
        }

        tap.Flush(output);
        var sent = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Equal(StubProvider.Chunk("m", "Hello") + "data: [DONE]\n\n", sent);
        Assert.Equal(new TokenUsage(12, 0, 7, 0), tap.Usage);
        Assert.Equal("Hello", tap.Text);
    }

    [Fact]
    public void Tap_WhenTheClientAskedForUsage_ForwardsEveryByte()
    {
        var tap = new SseUsageTap(stripUsageChunk: false);
        var stream = StubProvider.Chunk("m", "Hi").Replace("\n", "\r\n", StringComparison.Ordinal) + CostTestKit.UsageChunk("m", 3, 2) + "data: [DONE]\n\n";
        var output = new ArrayBufferWriter<byte>();

        tap.Process(Encoding.UTF8.GetBytes(stream), output);
        tap.Flush(output);

        Assert.Equal(stream, Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(new TokenUsage(3, 0, 2, 0), tap.Usage);
    }

    [Fact]
    public void UpstreamBody_StreamWithoutIncludeUsage_AsksForUsage_AndKeepsEveryOtherByte()
    {
        var request = Parse("""{"model":"light", "stream":true,"messages":[{"role":"user","content":"hi"}],"seed":7}""");

        var body = Encoding.UTF8.GetString(request.ForUpstream("qwen3-8b"));

        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"qwen3-8b", "stream":true,"messages":[{"role":"user","content":"hi"}],"seed":7}""", body);
    }

    [Fact]
    public void UpstreamBody_StreamOptionsWithoutUsage_IsReplaced()
    {
        var request = Parse("""{"stream_options":{"include_usage":false},"stream":true,"model":"light","messages":[{"role":"user","content":"hi"}]}""");

        var body = Encoding.UTF8.GetString(request.ForUpstream("x"));

        Assert.Equal("""{"stream_options":{"include_usage":true},"stream":true,"model":"x","messages":[{"role":"user","content":"hi"}]}""", body);
    }

    [Theory]
    [InlineData("""{"model":"light","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"light","messages":[{"role":"user","content":"hi"}]}""")]
    public void UpstreamBody_ClientAskedForUsageOrNoStream_OnlyTheModelChanges(string json)
    {
        var request = Parse(json);

        Assert.Equal(request.WithModel("x"), request.ForUpstream("x"));
    }

    private static ChatRequest Parse(string json) =>
        ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json), out _) ?? throw new InvalidOperationException("parse failed");
}
