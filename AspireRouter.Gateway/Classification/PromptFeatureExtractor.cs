using System.Buffers;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// Computes <see cref="PromptFeatures"/> from the texts <see cref="ChatRequestParser"/> found (each message's string
/// content or text parts, with its role), decoding them from the body where the parser saw them: the body is read once.
/// Strings are decoded into pooled buffers; the only strings allocated are the bounded last user and system texts.
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

        foreach (var text in request.Texts)
        {
            var buffer = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
            var length = text.CopyTo(request.Body, buffer);
            AnalyzeText(buffer.AsSpan(0, length), request.Roles[text.Message] == MessageRole.System, ref tally);
            ArrayPool<char>.Shared.Return(buffer);
        }

        var lastUserText = lastUser >= 0 ? ReadText(request, lastUser, windowChars) : "";
        var system = firstSystem >= 0 ? ReadText(request, firstSystem, windowChars) : "";
        var instruction = TextSignals.Instruction(lastUserText);
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
            CodeFences = tally.Fences,
            CodeLines = tally.CodeLines,
            InstructionChars = instruction.Length,
            InstructionLetters = instructionLetters,
            InstructionHanChars = instructionHan,
            MathSymbols = TextSignals.CountMathSymbols(lastUserText),
            Numbers = TextSignals.CountNumbers(lastUserText),
            QuantitySymbols = TextSignals.CountQuantitySymbols(lastUserText),
            HasQuestion = lastUserText.AsSpan().IndexOfAny('?', '？') >= 0,
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

    /// <summary>The texts of one message, joined by new lines: its first and last <paramref name="window"/> characters when longer.</summary>
    private static string ReadText(ChatRequest request, int message, int window)
    {
        // Unescaped UTF-16 text never has more characters than its JSON has bytes, separators included.
        var size = 0;
        foreach (var text in request.Texts)
        {
            size += text.Message == message ? text.Length + 1 : 0;
        }

        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(size, 1));
        try
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

                length += text.CopyTo(request.Body, buffer.AsSpan(length));
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
