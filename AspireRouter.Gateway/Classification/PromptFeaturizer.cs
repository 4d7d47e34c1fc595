using System.Numerics;

namespace AspireRouter.Gateway.Classification;

/// <summary>Receives the hashed features of one prompt; the scorer adds weights, the trainer collects vectors.</summary>
public interface IFeatureSink
{
    /// <summary>
    /// One occurrence of feature <paramref name="index"/> (a hash bucket) in <paramref name="family"/>; for word
    /// unigrams, <paramref name="start"/> and <paramref name="length"/> locate the word in the text, else -1 and 0.
    /// </summary>
    void Add(int family, int index, int start, int length);
}

/// <summary>
/// Turns a prompt into hashed sparse features, allocation-free: the one featurization that training and the gateway
/// share. Families (each scaled by 1/√count, so long prompts do not shout): lower-cased word uni- and bigrams of the
/// last user message (a digit run is one token "#", each Han character a word, each symbol its own token), character
/// trigrams inside those words (with boundary marks), words of the system message, and bucketed shape features
/// (length, numbers, math and currency signs, code, a question mark).
/// </summary>
public static class PromptFeaturizer
{
    public const int Words = 0;
    public const int CharGrams = 1;
    public const int SystemWords = 2;
    public const int ShapeFamily = 3;
    public const int Families = 4;

    /// <summary>
    /// Characters featurized from the start and from the end of a long text (the instruction is at one end, the middle
    /// is payload): a 1,000-token prompt costs what a 2 × 1,024-character one does. As the cue flags' window.
    /// </summary>
    public const int WindowChars = CueSets.FlagWindowChars;

    private const uint WordSeed = 2166136261;
    private const uint SystemSeed = 0x9E3779B9;
    private const uint DigitToken = 0x2300_0023;

    /// <summary>
    /// Feeds every feature of <paramref name="features"/> to <paramref name="sink"/>, hashed into 2^<paramref name="bits"/>
    /// buckets; <paramref name="cueFlags"/> (<see cref="CueSets.Flags"/>) say which cue lists fire.
    /// </summary>
    public static void Featurize<TSink>(PromptFeatures features, ClassifierOptions options, int cueFlags, int bits, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        var mask = (1 << bits) - 1;
        Window(features.LastUserText.Span, WordSeed, mask, true, ref sink);
        Window(features.SystemText.Span, SystemSeed, mask, false, ref sink);
        AddShape(features, options, mask, ref sink);
        for (var flag = 0; flag < CueSets.FlagCount; flag++)
        {
            Add(10 + flag, (cueFlags >> flag) & 1, mask, ref sink);
        }
    }

    /// <summary>
    /// A text of up to 2 × <see cref="WindowChars"/> whole, else its first and its last <see cref="WindowChars"/>
    /// characters (cut at a space where one is near, so that no word is split).
    /// </summary>
    private static void Window<TSink>(ReadOnlySpan<char> text, uint seed, int mask, bool user, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        if (text.Length <= 2 * WindowChars)
        {
            Text(text, 0, seed, mask, user, ref sink);
            return;
        }

        var head = text[..WindowChars];
        var cut = head.LastIndexOfAny(' ', '\n');
        Text(cut > WindowChars / 2 ? head[..cut] : head, 0, seed, mask, user, ref sink);
        var tailStart = text.Length - WindowChars;
        var space = text.Slice(tailStart, WindowChars / 2).IndexOfAny(' ', '\n');
        tailStart += space >= 0 ? space : 0;
        Text(text[tailStart..], tailStart, seed, mask, user, ref sink);
    }

    private static void Text<TSink>(ReadOnlySpan<char> text, int offset, uint seed, int mask, bool user, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        var family = user ? Words : SystemWords;
        uint previous = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            int start = i;
            uint word;
            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] is '.' or ',' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
                {
                    i++;
                }

                word = DigitToken;
            }
            else if (char.IsLetter(c) && !IsHanAt(text, i))
            {
                word = seed;
                uint g1 = '<', g2 = 0;
                while (i < text.Length && LowerWordChar(text, i) is var lower && lower != '\0')
                {
                    word = (word ^ lower) * 16777619;
                    if (user && g2 != 0)
                    {
                        sink.Add(CharGrams, Bucket(Trigram(g1, g2, lower), mask), -1, 0);
                    }

                    (g1, g2) = g2 == 0 ? (g1, (uint)lower) : (g2, (uint)lower);
                    i++;
                }

                if (user)
                {
                    sink.Add(CharGrams, Bucket(Trigram(g1, g2, '>'), mask), -1, 0);
                }
            }
            else
            {
                // A Han character or a symbol: one token (a surrogate pair stays whole).
                i += char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                word = seed;
                for (var k = start; k < i; k++)
                {
                    word = (word ^ text[k]) * 16777619;
                }
            }

            sink.Add(family, Bucket(word, mask), user ? offset + start : -1, user ? i - start : 0);
            if (user && previous != 0)
            {
                sink.Add(Words, Bucket((previous * 0x85EBCA6B) ^ BitOperations.RotateLeft(word, 13) ^ 0xB16B00B5, mask), -1, 0);
            }

            previous = word;
        }
    }

    private static void AddShape<TSink>(PromptFeatures f, ClassifierOptions options, int mask, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        Add(1, Log2Bucket(f.PromptTokens), mask, ref sink);
        Add(2, Log2Bucket(f.Numbers), mask, ref sink);
        Add(3, Math.Min(f.MathSymbols, 4), mask, ref sink);
        Add(4, Math.Min(f.QuantitySymbols, 3), mask, ref sink);
        Add(5, HardSignals.HasCode(f, options) ? 1 : 0, mask, ref sink);
        Add(6, f.HasQuestion ? 1 : 0, mask, ref sink);
        Add(7, Log2Bucket(f.InstructionTokens), mask, ref sink);
        Add(8, Math.Min(f.MessageCount, 5), mask, ref sink);
        Add(9, f.SystemChars > 0 ? 1 : 0, mask, ref sink);
    }

    private static void Add<TSink>(int kind, int value, int mask, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct =>
        sink.Add(ShapeFamily, Bucket(((uint)kind * 0x27D4EB2F) ^ ((uint)value * 0x165667B1) ^ 0x5EED, mask), -1, 0);

    private static int Log2Bucket(int value) => Math.Min(BitOperations.Log2((uint)value + 1), 15);

    private static uint Trigram(uint a, uint b, uint c) => (((a * 0x01000193) ^ b) * 0x01000193 ^ c) * 0x9E3779B1;

    /// <summary>The lower case of a word's letter or apostrophe at <paramref name="i"/>; '\0' where the word ends. ASCII first, cheaply.</summary>
    private static char LowerWordChar(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (char.IsAscii(c))
        {
            return char.IsAsciiLetter(c) || c == '\'' ? (char)(c | 0x20) : '\0';
        }

        return char.IsLetter(c) && !IsHanAt(text, i) ? char.ToLowerInvariant(c) : '\0';
    }

    // Supplementary-plane Han characters are surrogate pairs, which are not letters: they take the symbol branch whole.
    private static bool IsHanAt(ReadOnlySpan<char> text, int i) => text[i] >= 0x3400 && PromptFeatureExtractor.IsHan(text[i]);

    /// <summary>Murmur3's finaliser, so neighbouring hashes land far apart, then the table's mask.</summary>
    private static int Bucket(uint hash, int mask)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return (int)(hash & (uint)mask);
    }
}
