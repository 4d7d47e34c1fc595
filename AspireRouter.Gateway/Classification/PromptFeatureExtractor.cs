using System.Buffers;
using System.Text.Json;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// Reads <see cref="PromptFeatures"/> from a request body with forward-only <see cref="Utf8JsonReader"/>s, without a
/// DOM. Strings are decoded into pooled buffers; the only strings allocated are the bounded last user and system
/// texts. Runs only for <c>auto</c>, after <see cref="ChatRequestParser"/> has accepted the body.
/// </summary>
public static class PromptFeatureExtractor
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    // Case-sensitive on purpose: prose lines start with a capital, code keywords do not.
    private static readonly string[] CodeLineStarts =
        ["def ", "class ", "import ", "function ", "const ", "let ", "var ", "func ", "public ", "private ", "return ", "#include", "SELECT ", "// ", "</"];

    /// <summary>Extracts the features of <paramref name="request"/>; <paramref name="windowChars"/> bounds the texts kept for cue matching.</summary>
    public static PromptFeatures Extract(ChatRequest request, int windowChars)
    {
        var body = request.Body.Span;
        var tally = new Tally();
        string lastUser = "", system = "";
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isMessages = reader.ValueTextEquals("messages"u8);
                    reader.Read();
                    if (isMessages && reader.TokenType == JsonTokenType.StartArray)
                    {
                        ReadMessages(ref reader, body, ref tally);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            lastUser = tally.HasLastUser ? ReadText(body[tally.LastUser], windowChars) : "";
            system = tally.HasSystem ? ReadText(body[tally.FirstSystem], windowChars) : "";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The parser skims strings without decoding them, so invalid UTF-8 inside one surfaces only here (the API
            // rejects such bodies earlier). Classification must not fail a request: classify on what was read.
        }

        var instruction = TextSignals.Instruction(lastUser);
        var (instructionLetters, instructionHan) = TextSignals.CountLetters(instruction);
        return new PromptFeatures
        {
            ImageParts = request.ImageParts,
            MessageCount = request.MessageCount,
            PromptChars = tally.PromptChars,
            SystemChars = tally.SystemChars,
            PromptLetters = tally.PromptLetters,
            PromptHanChars = tally.PromptHan,
            SystemHanChars = tally.SystemHan,
            LastUserText = lastUser,
            SystemText = system,
            CodeFences = tally.Fences,
            CodeLines = tally.CodeLines,
            InstructionChars = instruction.Length,
            InstructionLetters = instructionLetters,
            InstructionHanChars = instructionHan,
            MathSymbols = TextSignals.CountMathSymbols(lastUser),
            Numbers = TextSignals.CountNumbers(lastUser),
            QuantitySymbols = TextSignals.CountQuantitySymbols(lastUser),
            HasQuestion = lastUser.AsSpan().IndexOfAny('?', '？') >= 0,
            HasTools = request.HasTools,
            NeedsJsonMode = request.NeedsJsonMode,
            MaxTokens = request.MaxTokens,
        };
    }

    /// <summary>True for Han ideographs: the unified blocks, extension A, compatibility ideographs and the supplementary planes' extensions.</summary>
    public static bool IsHan(int codePoint) =>
        codePoint is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0x20000 and <= 0x323AF);

    private struct Tally
    {
        public int PromptChars, SystemChars, PromptLetters, PromptHan, SystemHan, Fences, CodeLines;
        public Range LastUser, FirstSystem;
        public bool HasLastUser, HasSystem;
    }

    private enum Role
    {
        Other,
        User,
        System,
    }

    private static void ReadMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ref Tally tally)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var role = Role.Other;
            Range content = default;
            var hasContent = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRole = reader.ValueTextEquals("role"u8);
                var isContent = reader.ValueTextEquals("content"u8);
                reader.Read();
                if (isRole && reader.TokenType == JsonTokenType.String)
                {
                    role = reader.ValueTextEquals("user"u8) ? Role.User
                        : reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("developer"u8) ? Role.System
                        : Role.Other;
                }
                else if (isContent)
                {
                    // The role may come after the content, so remember where the content is and read it afterwards.
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    content = new Range(start, (int)reader.BytesConsumed);
                    hasContent = true;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (!hasContent)
            {
                continue;
            }

            Analyze(body[content], role == Role.System, ref tally);
            if (role == Role.User)
            {
                (tally.LastUser, tally.HasLastUser) = (content, true);
            }
            else if (role == Role.System && !tally.HasSystem)
            {
                (tally.FirstSystem, tally.HasSystem) = (content, true);
            }
        }
    }

    /// <summary>Tallies every text of one message's content (a string or an array of parts).</summary>
    private static void Analyze(ReadOnlySpan<byte> content, bool system, ref Tally tally)
    {
        var reader = new Utf8JsonReader(content, ReaderOptions);
        var isText = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                isText = IsTextProperty(ref reader);
                continue;
            }

            if (reader.TokenType == JsonTokenType.String && (reader.CurrentDepth == 0 || isText))
            {
                var buffer = ArrayPool<char>.Shared.Rent(Math.Max(reader.ValueSpan.Length, 1));
                var length = reader.CopyString(buffer);
                AnalyzeText(buffer.AsSpan(0, length), system, ref tally);
                ArrayPool<char>.Shared.Return(buffer);
            }

            isText = false;
        }
    }

    // Content is a string (depth 0) or an array of part objects; a part's properties sit at depth 2.
    private static bool IsTextProperty(ref Utf8JsonReader reader) =>
        reader.CurrentDepth == 2 && reader.ValueTextEquals("text"u8);

    private static void AnalyzeText(ReadOnlySpan<char> text, bool system, ref Tally tally)
    {
        if (system)
        {
            tally.SystemChars += text.Length;
            foreach (var rune in text.EnumerateRunes())
            {
                tally.SystemHan += IsHan(rune.Value) ? 1 : 0;
            }

            return;
        }

        tally.PromptChars += text.Length;
        var inFence = false;
        foreach (var line in text.EnumerateLines())
        {
            var fences = line.Count("```");
            if (fences > 0)
            {
                // Code is not the writer's language: letters inside fenced blocks do not count towards the Han share.
                tally.Fences += fences;
                inFence ^= fences % 2 == 1;
                continue;
            }

            tally.CodeLines += IsCodeLike(line) ? 1 : 0;
            if (!inFence)
            {
                var (letters, han) = TextSignals.CountLetters(line);
                tally.PromptLetters += letters;
                tally.PromptHan += han;
            }
        }
    }

    private static bool IsCodeLike(ReadOnlySpan<char> line)
    {
        var trimmed = line.Trim();
        if (trimmed.IsEmpty)
        {
            return false;
        }

        if (trimmed[^1] is ';' or '{' or '}')
        {
            return true;
        }

        foreach (var start in CodeLineStarts)
        {
            if (trimmed.StartsWith(start, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text of one message's content, its first and last <paramref name="window"/> characters when longer.</summary>
    private static string ReadText(ReadOnlySpan<byte> content, int window)
    {
        // Unescaped UTF-16 text never has more characters than its JSON has bytes, separators included.
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(content.Length, 1));
        try
        {
            var length = 0;
            var reader = new Utf8JsonReader(content, ReaderOptions);
            var isText = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        isText = IsTextProperty(ref reader);
                        break;
                    case JsonTokenType.String when reader.CurrentDepth == 0 || isText:
                        if (length > 0)
                        {
                            buffer[length++] = '\n';
                        }

                        length += reader.CopyString(buffer.AsSpan(length));
                        isText = false;
                        break;
                    default:
                        isText = false;
                        break;
                }
            }

            return Bound(buffer.AsSpan(0, length), window);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static string Bound(ReadOnlySpan<char> text, int window)
    {
        if (text.Length <= 2 * window)
        {
            return new string(text);
        }

        var headEnd = char.IsHighSurrogate(text[window - 1]) ? window - 1 : window;
        var tailStart = char.IsLowSurrogate(text[^window]) ? text.Length - window + 1 : text.Length - window;
        return string.Concat(text[..headEnd], "\n", text[tailStart..]);
    }
}
