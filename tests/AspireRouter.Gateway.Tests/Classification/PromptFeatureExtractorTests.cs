using System.Text;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Tests.Classification;

public class PromptFeatureExtractorTests
{
    private static PromptFeatures Extract(string json, int window = 4096)
    {
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json), out var error) ?? throw new InvalidOperationException(error!.Message);
        return PromptFeatureExtractor.Extract(request, window);
    }

    [Fact]
    public void Extract_ChineseText_HanShareIsHanAmongLetters()
    {
        // 6 Han characters and 4 Latin letters; digits and punctuation are not letters.
        var features = Extract("""{"model":"auto","messages":[{"role":"user","content":"你好，帮我查单 ABCD 123"}]}""");

        Assert.Equal(10, features.PromptLetters);
        Assert.Equal(6, features.PromptHanChars);
        Assert.Equal(0.6, features.HanShare, 3);
    }

    [Fact]
    public void Extract_EscapedChinese_CountsTheSameAsRawUtf8()
    {
        // Python's json.dumps escapes every non-ASCII character by default.
        var raw = Extract("""{"model":"auto","messages":[{"role":"user","content":"你好 hi"}]}""");
        var escaped = Extract("""{"model":"auto","messages":[{"role":"user","content":"\u4f60\u597d hi"}]}""");

        Assert.Equal(raw.PromptHanChars, escaped.PromptHanChars);
        Assert.Equal(raw.PromptLetters, escaped.PromptLetters);
        Assert.Equal("你好 hi", escaped.LastUserText.ToString());
    }

    [Fact]
    public void Extract_SystemPrompt_IsNotPartOfTheHanShare()
    {
        var features = Extract("""{"model":"auto","messages":[{"role":"system","content":"你是一个客服助手，请用中文回答。"},{"role":"user","content":"Where is my order?"}]}""");

        Assert.Equal(0, features.PromptHanChars);
        Assert.Equal(0, features.HanShare);
        Assert.True(features.SystemHanChars > 10);
        Assert.StartsWith("你是", features.SystemText.ToString());
    }

    [Fact]
    public void Extract_FencedCode_DoesNotCountTowardsTheHanShare()
    {
        var features = Extract("""{"model":"auto","messages":[{"role":"user","content":"为什么慢\n```sql\nSELECT * FROM orders WHERE status = 'paid';\n```"}]}""");

        Assert.Equal(4, features.PromptLetters);
        Assert.Equal(1.0, features.HanShare);
        Assert.Equal(2, features.CodeFences);
    }

    [Fact]
    public void Extract_Images_AreCountedFromTheParser()
    {
        var features = Extract("""
            {"model":"auto","messages":[{"role":"user","content":[
              {"type":"text","text":"compare these"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
              {"type":"image_url","image_url":{"url":"https://example.com/b.png"}}]}]}
            """);

        Assert.Equal(2, features.ImageParts);
        Assert.Equal("compare these", features.LastUserText.ToString());
        Assert.Equal("compare these".Length, features.PromptChars);
    }

    [Fact]
    public void Extract_LastUserMessage_IsTheLastOneWithRoleUser_EvenWhenRoleComesAfterContent()
    {
        var features = Extract("""
            {"model":"auto","messages":[
              {"role":"user","content":"first question"},
              {"role":"assistant","content":"an answer"},
              {"content":[{"type":"text","text":"part one"},{"type":"text","text":"part two"}],"role":"user"},
              {"role":"assistant","content":null}]}
            """);

        Assert.Equal("part one\npart two", features.LastUserText.ToString());
        Assert.Equal(4, features.MessageCount);
        Assert.Equal("first question".Length + "an answer".Length + "part one".Length + "part two".Length, features.PromptChars);
    }

    [Fact]
    public void Extract_LongLastUserMessage_KeepsHeadAndTailWindows()
    {
        var text = new string('a', 1000) + new string('m', 5000) + new string('z', 1000);
        var features = Extract($$"""{"model":"auto","messages":[{"role":"user","content":"{{text}}"}]}""", window: 1000);

        Assert.Equal(2001, features.LastUserText.Length);
        Assert.Equal(new string('a', 1000) + "\n" + new string('z', 1000), features.LastUserText.ToString());
        Assert.Equal(7000, features.PromptChars);
    }

    [Fact]
    public void Extract_RequestFields_ArePassedThrough()
    {
        var features = Extract("""
            {"model":"auto","max_tokens":32,"response_format":{"type":"json_object"},
             "tools":[{"type":"function","function":{"name":"f"}}],
             "messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal(32, features.MaxTokens);
        Assert.True(features.NeedsJsonMode);
        Assert.True(features.HasTools);
    }

    [Fact]
    public void Extract_CodeLikeLines_AreCountedWithoutFences()
    {
        var features = Extract("""{"model":"auto","messages":[{"role":"user","content":"fix:\nfunction f(x) {\n  return x + 1;\n}\nThanks"}]}""");

        Assert.Equal(0, features.CodeFences);
        Assert.Equal(3, features.CodeLines);
    }

    [Fact]
    public void Extract_NumbersAndSymbols_ComeFromTheLastUserMessage()
    {
        var features = Extract("""{"model":"auto","messages":[{"role":"user","content":"Pay $1,249.50 at 3.5% for 12 months? x^2 = 4"}]}""");

        Assert.Equal(5, features.Numbers);
        Assert.Equal(2, features.QuantitySymbols);
        Assert.Equal(2, features.MathSymbols);
        Assert.True(features.HasQuestion);
    }

    [Fact]
    public void Extract_InvalidUtf8InsideAString_DoesNotThrow()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"auto","messages":[{"role":"user","content":"bad X byte"}]}""");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        var request = ChatRequestParser.Parse(body, out _)!;

        var features = PromptFeatureExtractor.Extract(request, 4096);

        Assert.Equal(1, features.MessageCount);
        Assert.Equal("", features.LastUserText.ToString());
    }

    [Theory]
    [InlineData("Classify this ticket: I was charged twice", "Classify this ticket")]
    [InlineData("Is this spam? \"WIN A PRIZE\"", "Is this spam? ")]
    [InlineData("Summarize\n\nlong text here", "Summarize")]
    [InlineData("请帮我检查语法：Dear Mr. Wang", "请帮我检查语法")]
    [InlineData("Meeting at 22:04, who joined?", "Meeting at 22:04, who joined?")]
    [InlineData("no payload at all", "no payload at all")]
    public void Instruction_IsTheTextBeforeThePayload(string text, string instruction) =>
        Assert.Equal(instruction, TextSignals.Instruction(text).ToString());

    [Theory]
    [InlineData(0x4E00, true)]
    [InlineData(0x9FA5, true)]
    [InlineData(0x3400, true)]
    [InlineData(0x20000, true)]
    [InlineData(0x3042, false)] // Hiragana あ
    [InlineData(0xAC00, false)] // Hangul 가
    [InlineData('A', false)]
    public void IsHan_CoversTheIdeographBlocksOnly(int codePoint, bool han) =>
        Assert.Equal(han, PromptFeatureExtractor.IsHan(codePoint));
}
