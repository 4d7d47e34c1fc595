using System.Buffers;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// Computes <see cref="PromptFeatures"/> from the texts <see cref="ChatRequestParser"/> found (each message's string
/// content or text parts, with its role), decoding them from the body where the parser saw them: the body is read once.
/// Texts are decoded into pooled buffers; the bounded last user and system texts stay in one until
/// <see cref="Return"/>.
/// Runs only for <c>auto</c>.
/// </summary>
public static class PromptFeatureExtractor
{
    // Case-sensitive on purpose: prose lines start with a capital, code keywords do not.
    private static readonly string[] CodeLineStarts =
        ["def ", "class ", "import ", "function ", "const ", "let ", "var ", "func ", "public ", "private ", "return ", "#include", "SELECT ", "// ", "</"];

    /// <summary>Extracts the features of <paramref name="request"/>; <paramref name="windowChars"/> bounds the texts kept for cue matching.</summary>
    public static PromptFeatures Extract(ChatRequest request, int windowChars)
    {
        var tally = new Tally();
        int lastUser = -1, firstSystem = -1;
        for (var message = 0; message < request.Roles.Count; message++)
        {
            switch (request.Roles[message])
            {
                case MessageRole.User:
                    lastUser = message;
                    break;
                case MessageRole.System when firstSystem < 0:
                    firstSystem = message;
                    break;
            }
        }

        foreach (var part in request.Texts)
        {
            var decoded = ArrayPool<char>.Shared.Rent(Math.Max(part.Length, 1));
            var length = part.CopyTo(request.Body, decoded);
            AnalyzeText(decoded.AsSpan(0, length), request.Roles[part.Message] == MessageRole.System, ref tally);
            ArrayPool<char>.Shared.Return(decoded);
        }

        // Both texts in one pooled buffer, handed back by Return: a long prompt costs no copy on the heap.
        var (userSize, systemSize) = (Size(request, lastUser), Size(request, firstSystem));
        var buffer = userSize + systemSize == 0 ? null : ArrayPool<char>.Shared.Rent(userSize + systemSize);
        var userLength = lastUser >= 0 ? ReadText(request, lastUser, windowChars, buffer.AsSpan(0, userSize)) : 0;
        var systemLength = firstSystem >= 0 ? ReadText(request, firstSystem, windowChars, buffer.AsSpan(userSize, systemSize)) : 0;
        var lastUserText = buffer.AsMemory(0, userLength);
        var system = buffer.AsMemory(userSize, systemLength);
        var text = lastUserText.Span;
        var instruction = TextSignals.Instruction(text);
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
            LastUserText = lastUserText,
            SystemText = system,
            TextBuffer = buffer,
            CodeFences = tally.Fences,
            CodeLines = tally.CodeLines,
            InstructionChars = instruction.Length,
            InstructionLetters = instructionLetters,
            InstructionHanChars = instructionHan,
            MathSymbols = TextSignals.CountMathSymbols(text),
            Numbers = TextSignals.CountNumbers(text),
            QuantitySymbols = TextSignals.CountQuantitySymbols(text),
            HasQuestion = text.IndexOfAny('?', '？') >= 0,
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
    }

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

    /// <summary>
    /// Hands the buffer that holds <paramref name="features"/>' texts back to the pool: call it once, after the last
    /// read of <see cref="PromptFeatures.LastUserText"/> and <see cref="PromptFeatures.SystemText"/>.
    /// </summary>
    public static void Return(PromptFeatures features)
    {
        if (features.TextBuffer is { } buffer)
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Characters the texts of <paramref name="message"/> take, with a separator each: an upper bound for its copy.</summary>
    private static int Size(ChatRequest request, int message)
    {
        if (message < 0)
        {
            return 0;
        }

        // Unescaped UTF-16 text never has more characters than its JSON has bytes, separators included.
        var size = 0;
        foreach (var text in request.Texts)
        {
            size += text.Message == message ? text.Length + 1 : 0;
        }

        return size;
    }

    /// <summary>
    /// Copies the texts of one message into <paramref name="buffer"/>, joined by new lines, and keeps its first and
    /// last <paramref name="window"/> characters when longer; returns the length kept.
    /// </summary>
    private static int ReadText(ChatRequest request, int message, int window, Span<char> buffer)
    {
        var length = 0;
        foreach (var text in request.Texts)
        {
            if (text.Message != message)
            {
                continue;
            }

            if (length > 0)
            {
                buffer[length++] = '\n';
            }

            length += text.CopyTo(request.Body, buffer[length..]);
        }

        return Bound(buffer[..length], window);
    }

    /// <summary>Keeps a long text's first and last <paramref name="window"/> characters, joined by a newline, in place.</summary>
    private static int Bound(Span<char> text, int window)
    {
        if (text.Length <= 2 * window)
        {
            return text.Length;
        }

        var headEnd = char.IsHighSurrogate(text[window - 1]) ? window - 1 : window;
        var tailStart = char.IsLowSurrogate(text[^window]) ? text.Length - window + 1 : text.Length - window;
        text[headEnd] = '\n';
        text[tailStart..].CopyTo(text[(headEnd + 1)..]);
        return headEnd + 1 + text.Length - tailStart;
    }
}
