using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace AspireRouter.Gateway.Classification;

/// <summary>Allocation-free counts over a piece of prompt text.</summary>
public static class TextSignals
{
    private static readonly SearchValues<char> MathChars = SearchValues.Create("^=∫√∑≤≥");
    private static readonly SearchValues<char> QuantityChars = SearchValues.Create("$€£¥%");
    private static readonly SearchValues<char> OpeningQuotes = SearchValues.Create("\"“「『");

    /// <summary>
    /// The instruction of a message: the text before its first payload marker — a colon followed by a space, a
    /// newline or a quote; a blank line; or an opening double quote. "Classify this: &lt;ticket&gt;" gives "Classify
    /// this". The whole text when there is no marker.
    /// </summary>
    public static ReadOnlySpan<char> Instruction(ReadOnlySpan<char> text)
    {
        var end = text.IndexOfAny(OpeningQuotes);
        end = end < 0 ? text.Length : end;
        var blank = text[..end].IndexOf("\n\n", StringComparison.Ordinal);
        end = blank < 0 ? end : blank;
        for (var i = text[..end].IndexOfAny(':', '：'); i >= 0 && i < end; i = NextColon(text, i + 1, end))
        {
            if (text[i] == '：' || i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || text[i + 1] is '"' or '\'' or '“')
            {
                return text[..i];
            }
        }

        return text[..end];
    }

    private static int NextColon(ReadOnlySpan<char> text, int from, int end)
    {
        var next = text[from..end].IndexOfAny(':', '：');
        return next < 0 ? -1 : from + next;
    }

    /// <summary>Letters (any script) and, among them, Han characters.</summary>
    public static (int Letters, int Han) CountLetters(ReadOnlySpan<char> text)
    {
        var (letters, han) = (0, 0);
        var i = 0;
        while (i < text.Length)
        {
            // Eight ASCII characters at a time: a letter is one whose lower case lies in 'a'..'z'.
            if (i + Vector128<ushort>.Count <= text.Length)
            {
                var block = Vector128.LoadUnsafe(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text)), (nuint)i);
                if ((block & Vector128.Create((ushort)0xFF80)) == Vector128<ushort>.Zero)
                {
                    var lettersMask = Vector128.LessThan((block | Vector128.Create((ushort)0x20)) - Vector128.Create((ushort)'a'), Vector128.Create((ushort)26));
                    letters += BitOperations.PopCount(lettersMask.ExtractMostSignificantBits());
                    i += Vector128<ushort>.Count;
                    continue;
                }
            }

            var c = text[i];
            if (char.IsAscii(c))
            {
                letters += char.IsAsciiLetter(c) ? 1 : 0;
                i++;
                continue;
            }

            // A lone surrogate decodes as U+FFFD, one character, which is no letter.
            Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed);
            if (Rune.IsLetter(rune))
            {
                letters++;
                han += PromptFeatureExtractor.IsHan(rune.Value) ? 1 : 0;
            }

            i += consumed;
        }

        return (letters, han);
    }

    /// <summary>Estimated tokens: a Han character is about one token, other text about four characters.</summary>
    public static int EstimateTokens(int chars, int hanChars) => hanChars + (chars - hanChars + 3) / 4;

    /// <summary>Numbers, a run of digits with inner <c>.</c> or <c>,</c> counting once ("1,249.50").</summary>
    public static int CountNumbers(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                continue;
            }

            count++;
            while (i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1])
                || (text[i + 1] is '.' or ',' && i + 2 < text.Length && char.IsAsciiDigit(text[i + 2]))))
            {
                i++;
            }
        }

        return count;
    }

    /// <summary>Currency and percent signs: the marks of a quantitative question.</summary>
    public static int CountQuantitySymbols(ReadOnlySpan<char> text) => Count(text, QuantityChars);

    /// <summary>Math symbols: <c>^ = ∫ √ ∑ ≤ ≥</c>.</summary>
    public static int CountMathSymbols(ReadOnlySpan<char> text) => Count(text, MathChars);

    private static int Count(ReadOnlySpan<char> text, SearchValues<char> values)
    {
        var count = 0;
        for (var i = text.IndexOfAny(values); i >= 0; i = text.IndexOfAny(values))
        {
            count++;
            text = text[(i + 1)..];
        }

        return count;
    }
}
