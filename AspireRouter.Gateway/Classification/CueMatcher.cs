namespace AspireRouter.Gateway.Classification;

/// <summary>What one pass of <see cref="CueMatcher"/> found: which lists fired (bits by list position) and how many
/// non-overlapping occurrences the counted list had.</summary>
internal readonly record struct CueMatches(int Lists, int Counted);

/// <summary>
/// Several cue lists matched in one pass over a text, with the same rules as <see cref="CueSet"/>: case-insensitive
/// (ordinal, each character upper-cased), an ASCII letter or digit at a cue's edge must sit on a word boundary, a
/// trailing <c>*</c> drops the boundary at the end. The cues are a trie of upper-cased characters: a cue that starts
/// with an ASCII letter or digit is only looked for where a word starts, the others (Chinese cues, punctuation) at
/// every position. A few character comparisons per word; allocates nothing.
/// </summary>
internal sealed class CueMatcher
{
    private readonly Node _wordStart = new();
    private readonly Node _anywhere = new();
    private readonly bool _anywhereMayStartWithAlphanumeric;
    private readonly int _countedBit;

    /// <param name="lists">The cue lists; bit i of <see cref="CueMatches.Lists"/> is list i.</param>
    /// <param name="countedList">The list whose occurrences <see cref="CueMatches.Counted"/> counts, as <see cref="CueSet.Count"/> would.</param>
    public CueMatcher(IReadOnlyList<IEnumerable<string>> lists, int countedList)
    {
        for (var list = 0; list < lists.Count; list++)
        {
            foreach (var cue in CueSet.Compile(lists[list]))
            {
                var phrase = cue.Text;
                var node = char.IsAsciiLetterOrDigit(phrase[0]) ? _wordStart : _anywhere;
                foreach (var c in phrase)
                {
                    node = node.Child(char.ToUpperInvariant(c));
                }

                if (!cue.Prefix && char.IsAsciiLetterOrDigit(phrase[^1]))
                {
                    node.BoundedLists |= 1 << list;
                }
                else
                {
                    node.Lists |= 1 << list;
                }
            }
        }

        _wordStart.Freeze();
        _anywhere.Freeze();
        _anywhereMayStartWithAlphanumeric = _anywhere.Keys.Any(char.IsAsciiLetterOrDigit);
        _countedBit = 1 << countedList;
    }

    public CueMatches Match(ReadOnlySpan<char> text)
    {
        int lists = 0, counted = 0, countedEnd = 0;
        var previousAlphanumeric = false;
        for (var i = 0; i < text.Length; i++)
        {
            var alphanumeric = char.IsAsciiLetterOrDigit(text[i]);
            if (previousAlphanumeric && alphanumeric && !_anywhereMayStartWithAlphanumeric)
            {
                continue; // inside a word: no cue starts here
            }

            var countedLength = 0;
            if (!previousAlphanumeric)
            {
                countedLength = Walk(_wordStart, text, i, ref lists);
            }

            countedLength = Math.Max(countedLength, Walk(_anywhere, text, i, ref lists));
            if (countedLength > 0 && i >= countedEnd)
            {
                // The counted list's longest cue here, then on after it: CueSet.Count's non-overlapping occurrences.
                counted++;
                countedEnd = i + countedLength;
            }

            previousAlphanumeric = alphanumeric;
        }

        return new CueMatches(lists, counted);
    }

    /// <summary>Adds to <paramref name="lists"/> every cue of <paramref name="root"/>'s trie that matches at <paramref name="at"/>; returns the length of the longest counted one (0: none).</summary>
    private int Walk(Node root, ReadOnlySpan<char> text, int at, ref int lists)
    {
        var countedLength = 0;
        var node = root;
        for (var k = at; k < text.Length; k++)
        {
            node = node.Find(char.ToUpperInvariant(text[k]));
            if (node is null)
            {
                break;
            }

            var end = k + 1;
            var found = node.Lists | (end == text.Length || !char.IsAsciiLetterOrDigit(text[end]) ? node.BoundedLists : 0);
            lists |= found;
            countedLength = (found & _countedBit) != 0 ? end - at : countedLength;
        }

        return countedLength;
    }

    private sealed class Node
    {
        private readonly Dictionary<char, Node> _building = [];
        private Node?[] _ascii = [];
        private Node[] _children = [];

        /// <summary>Lists of the cues that end here and need no word boundary after them.</summary>
        public int Lists { get; set; }

        /// <summary>Lists of the cues that end here with an ASCII letter or digit, so need a word boundary after them.</summary>
        public int BoundedLists { get; set; }

        public char[] Keys { get; private set; } = [];

        public Node Child(char c) => _building.TryGetValue(c, out var child) ? child : _building[c] = new Node();

        /// <summary>Turns the children into arrays: an ASCII table where there are many, else a short list.</summary>
        public void Freeze()
        {
            Keys = [.. _building.Keys];
            _children = [.. Keys.Select(k => _building[k])];
            if (Keys.Length > 8)
            {
                _ascii = new Node?[128];
                foreach (var key in Keys.Where(char.IsAscii))
                {
                    _ascii[key] = _building[key];
                }
            }

            foreach (var child in _children)
            {
                child.Freeze();
            }
        }

        public Node? Find(char c)
        {
            if (c < _ascii.Length)
            {
                return _ascii[c];
            }

            var keys = Keys;
            for (var i = 0; i < keys.Length; i++)
            {
                if (keys[i] == c)
                {
                    return _children[i];
                }
            }

            return null;
        }
    }
}
