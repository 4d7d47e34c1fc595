using System.Buffers;

namespace AspireRouter.Gateway.Classification;

/// <summary>What one pass of <see cref="CueMatcher"/> found: which lists fired (bits by list position) and how many
/// non-overlapping occurrences the counted list had.</summary>
internal readonly record struct CueMatches(int Lists, int Counted);

/// <summary>
/// Several cue lists matched in one pass over a text, with the same rules as <see cref="CueSet"/> (case-insensitive,
/// ASCII word boundaries at alphanumeric edges, <c>*</c> for a prefix). One vectorised search finds every position
/// where any cue starts; only the cues sharing that position's first letter are then checked there. Allocates nothing.
/// </summary>
internal sealed class CueMatcher
{
    private readonly SearchValues<string>? _search;
    private readonly Dictionary<char, Cue[]> _byFirst;
    private readonly int _countedList;

    /// <param name="lists">The cue lists; bit i of <see cref="CueMatches.Lists"/> is list i.</param>
    /// <param name="countedList">The list whose occurrences <see cref="CueMatches.Counted"/> counts, as <see cref="CueSet.Count"/> would.</param>
    public CueMatcher(IReadOnlyList<IEnumerable<string>> lists, int countedList)
    {
        var cues = new Dictionary<(string Phrase, bool Prefix), int>();
        for (var list = 0; list < lists.Count; list++)
        {
            foreach (var phrase in CueSet.Compile(lists[list]))
            {
                var key = (phrase.Text.ToUpperInvariant(), phrase.Prefix);
                cues[key] = cues.GetValueOrDefault(key) | (1 << list);
            }
        }

        _byFirst = cues.Select(c => new Cue(c.Key.Phrase, c.Key.Prefix, c.Value))
            .GroupBy(c => c.Phrase[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.Phrase.Length).ToArray());
        _search = cues.Count == 0 ? null : SearchValues.Create([.. cues.Keys.Select(k => k.Phrase).Distinct()], StringComparison.OrdinalIgnoreCase);
        _countedList = countedList;
    }

    public CueMatches Match(ReadOnlySpan<char> text)
    {
        if (_search is null)
        {
            return default;
        }

        int lists = 0, counted = 0, countedEnd = 0, offset = 0;
        var countedBit = 1 << _countedList;
        while (offset < text.Length)
        {
            var found = text[offset..].IndexOfAny(_search);
            if (found < 0)
            {
                break;
            }

            var at = offset + found;
            if (_byFirst.TryGetValue(char.ToUpperInvariant(text[at]), out var candidates))
            {
                foreach (var cue in candidates)
                {
                    if (!text[at..].StartsWith(cue.Phrase, StringComparison.OrdinalIgnoreCase)
                        || !CueSet.OnBoundaries(text, at, cue.Phrase, cue.Prefix))
                    {
                        continue;
                    }

                    lists |= cue.Lists;
                    if ((cue.Lists & countedBit) != 0 && at >= countedEnd)
                    {
                        // Longest first: the counted list's longest cue here is the one CueSet.Count would take.
                        counted++;
                        countedEnd = at + cue.Phrase.Length;
                    }
                }
            }

            offset = at + 1;
        }

        return new CueMatches(lists, counted);
    }

    private readonly record struct Cue(string Phrase, bool Prefix, int Lists);
}
