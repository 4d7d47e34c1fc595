using System.Text;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>
/// Plausible-looking answer text, one common English word per token, repeatable from a seed. Sentences run 6 to 15
/// words. In JSON mode the words are wrapped in <c>{"answer": "…"}</c> so the answer parses as an object.
/// </summary>
public sealed class AnswerText(ulong seed, int tokenCount, bool json)
{
    private static readonly string[] Words =
    [
        "the", "model", "answer", "request", "latency", "region", "provider", "token", "route", "budget",
        "system", "value", "result", "time", "data", "service", "network", "cost", "response", "simple",
        "fast", "stable", "small", "large", "better", "first", "next", "each", "every", "other",
        "and", "with", "from", "into", "over", "under", "after", "before", "while", "because",
        "is", "are", "was", "can", "will", "should", "could", "would", "may", "must",
        "make", "keep", "send", "find", "read", "write", "check", "measure", "compare", "choose",
        "this", "that", "these", "those", "some", "many", "most", "more", "less", "few",
        "clear", "good", "new", "old", "high", "low", "long", "short", "local", "remote",
        "in", "on", "at", "for", "to", "of", "by", "as", "about", "between",
        "user", "client", "server", "queue", "cache", "retry", "limit", "window", "signal", "path",
    ];

    private static readonly string[] Spaced = [.. Words.Select(w => " " + w)];
    private static readonly string[] SpacedWithPeriod = [.. Words.Select(w => " " + w + ".")];
    private static readonly string[] Capitalized = [.. Words.Select(w => char.ToUpperInvariant(w[0]) + w[1..])];
    private static readonly string[] SpacedCapitalized = [.. Capitalized.Select(w => " " + w)];

    private const string JsonPrefix = "{\"answer\": \"";
    private const string JsonSuffix = "\"}";

    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
    private int _position;
    private int _sentenceLeft;

    public int TokenCount => tokenCount;

    public int Remaining => tokenCount - _position;

    /// <summary>The whole answer (from the current position).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Remaining * 8);
        AppendNext(text, Remaining);
        return text.ToString();
    }

    /// <summary>Appends the next <paramref name="count"/> tokens (fewer at the end).</summary>
    public void AppendNext(StringBuilder text, int count)
    {
        for (var end = Math.Min(tokenCount, _position + count); _position < end; _position++)
        {
            if (json && _position == 0)
            {
                text.Append(JsonPrefix);
            }

            text.Append(NextWord());
            if (json && _position == tokenCount - 1)
            {
                text.Append(JsonSuffix);
            }
        }
    }

    private string NextWord()
    {
        var word = (int)(NextRandom() % (ulong)Words.Length);
        var startsSentence = _sentenceLeft == 0;
        if (startsSentence)
        {
            _sentenceLeft = 6 + (int)(NextRandom() % 10);
        }

        _sentenceLeft--;
        var endsSentence = _sentenceLeft == 0 || _position == tokenCount - 1;
        return _position == 0 ? Capitalized[word]
            : startsSentence ? SpacedCapitalized[word]
            : endsSentence ? SpacedWithPeriod[word]
            : Spaced[word];
    }

    /// <summary>xorshift64*: cheap, allocation-free and repeatable.</summary>
    private ulong NextRandom()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }
}
