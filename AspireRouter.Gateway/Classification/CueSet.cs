using System.Buffers;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// A compiled cue list. Cues match case-insensitively; an edge of a cue that is an ASCII letter or digit must sit on
/// a word boundary, so <c>prove</c> does not match "improve". A trailing <c>*</c> drops the boundary at the end.
/// Matching allocates nothing.
/// </summary>
internal sealed class CueSet
{
    private readonly string[] _names;
    private readonly string[] _phrases;
    private readonly bool[] _prefix;
    private readonly SearchValues<string>? _search;

    public CueSet(IEnumerable<string> cues)
    {
        // Longest first, so that at one position "step by step" wins over "step".
        var compiled = Compile(cues);
        _names = [.. compiled.Select(c => c.Name)];
        _phrases = [.. compiled.Select(c => c.Text)];
        _prefix = [.. compiled.Select(c => c.Prefix)];
        _search = _phrases.Length == 0 ? null : SearchValues.Create(_phrases, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A configured cue (<c>*</c> included), the phrase it matches, and whether it is a prefix.</summary>
    internal readonly record struct Phrase(string Name, string Text, bool Prefix);

    /// <summary>The cues trimmed, without empty or duplicate ones, longest first.</summary>
    internal static Phrase[] Compile(IEnumerable<string> cues) =>
        [.. cues.Select(c => c.Trim()).Where(c => c.TrimEnd('*').Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(c => c.TrimEnd('*').Length)
            .Select(c => new Phrase(c, c.TrimEnd('*'), c.EndsWith('*')))];

    /// <summary>The first cue found in <paramref name="text"/> (as configured, <c>*</c> included), or null.</summary>
    public string? FindFirst(ReadOnlySpan<char> text)
    {
        var offset = 0;
        var index = Next(text, ref offset);
        return index >= 0 ? _names[index] : null;
    }

    /// <summary>How many times any cue occurs in <paramref name="text"/>.</summary>
    public int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        var offset = 0;
        while (Next(text, ref offset) >= 0)
        {
            count++;
        }

        return count;
    }

    private int Next(ReadOnlySpan<char> text, ref int offset)
    {
        if (_search is null)
        {
            return -1;
        }

        while (offset < text.Length)
        {
            var found = text[offset..].IndexOfAny(_search);
            if (found < 0)
            {
                offset = text.Length;
                return -1;
            }

            var at = offset + found;
            for (var i = 0; i < _phrases.Length; i++)
            {
                var phrase = _phrases[i];
                if (text[at..].StartsWith(phrase, StringComparison.OrdinalIgnoreCase) && OnBoundaries(text, at, phrase, _prefix[i]))
                {
                    offset = at + phrase.Length;
                    return i;
                }
            }

            offset = at + 1;
        }

        return -1;
    }

    private static bool OnBoundaries(ReadOnlySpan<char> text, int at, string phrase, bool prefix)
    {
        var end = at + phrase.Length;
        var startOk = !char.IsAsciiLetterOrDigit(phrase[0]) || at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1]);
        var endOk = prefix || !char.IsAsciiLetterOrDigit(phrase[^1]) || end == text.Length || !char.IsAsciiLetterOrDigit(text[end]);
        return startOk && endOk;
    }
}
