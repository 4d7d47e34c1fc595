using System.Buffers;
using System.Globalization;

namespace AspireRouter.Contracts.Costs;

/// <summary>Which characters a field that crosses services may hold.</summary>
public enum FieldAlphabet
{
    /// <summary>ASCII letters, digits, '-', '_' and '.': names that become Redis keys and metric tags (team, feature).</summary>
    Identifier,

    /// <summary>
    /// ASCII letters, digits and <c>- _ . : / + = @</c>: ids that travel in HTTP headers and log lines (the gateway's
    /// request id, the client's correlation id, the API key id). No space, comma, quote or control character.
    /// </summary>
    Token,

    /// <summary>
    /// Any Unicode text but control characters (U+0000-U+001F, U+007F-U+009F) and unpaired surrogates: what PostgreSQL
    /// <c>text</c> and <c>jsonb</c> accept (they refuse U+0000) and what a log line shows without being forged.
    /// </summary>
    Text,
}

/// <summary>
/// One field that crosses services: its name in the event, its longest value (UTF-16 code units, as the ledger's
/// <c>varchar(n)</c> counts for the BMP and conservatively beyond it) and its alphabet. The gateway refuses a value that
/// breaks it at its edge, the ledger validates every event against it before insert, and the ledger's column is at
/// least <see cref="MaxLength"/> wide, so the two can never disagree about what a row may hold.
/// </summary>
public sealed record FieldRule(string Name, int MaxLength, FieldAlphabet Alphabet)
{
    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/+=@");

    /// <summary>What the rule allows, for error messages: "1-64 letters, digits, '-', '_' or '.'".</summary>
    public string Description => Alphabet switch
    {
        FieldAlphabet.Identifier => $"1-{MaxLength} letters, digits, '-', '_' or '.'",
        FieldAlphabet.Token => $"1-{MaxLength} ASCII letters, digits or any of - _ . : / + = @",
        _ => $"1-{MaxLength} characters without control characters",
    };

    /// <summary>Whether <paramref name="value"/> may be stored (null only when the field is optional).</summary>
    public bool Allows(string? value, bool required = false) => Check(value, required) is null;

    /// <summary>
    /// Why <paramref name="value"/> breaks the rule (an optional field may be null or empty; a required one may not be
    /// blank), phrased to follow the field's name ("is 300 characters long",
    /// "holds a control character (U+0000) at position 4"), or null when it fits. Never quotes the value itself.
    /// </summary>
    public string? Check(string? value, bool required = false)
    {
        if (value is null)
        {
            return required ? "is missing" : null;
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            return "is empty";
        }

        if (value.Length > MaxLength)
        {
            return $"is {value.Length} characters long";
        }

        var bad = FirstInvalid(value);
        return bad < 0 ? null : $"holds {Describe(value, bad)} at position {bad}";
    }

    /// <summary>"{name} {problem}; it must be {description}.", or null when the value fits.</summary>
    public string? Problem(string? value, bool required = false) =>
        Check(value, required) is { } problem ? $"{Name} {problem}; it must be {Description}." : null;

    /// <summary>
    /// <paramref name="value"/> cut to <paramref name="maxLength"/> without splitting a surrogate pair (an unpaired
    /// half is something PostgreSQL's UTF-8 refuses).
    /// </summary>
    public static string Truncate(string value, int maxLength)
    {
        if (value.Length <= maxLength)
        {
            return value;
        }

        var end = char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : maxLength;
        return value[..end];
    }

    private int FirstInvalid(string value)
    {
        switch (Alphabet)
        {
            case FieldAlphabet.Identifier:
                return value.AsSpan().IndexOfAnyExcept(IdentifierChars);
            case FieldAlphabet.Token:
                return value.AsSpan().IndexOfAnyExcept(TokenChars);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return i;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Describe(string value, int index)
    {
        var c = value[index];
        var code = ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        return char.IsControl(c) ? $"a control character (U+{code})"
            : char.IsSurrogate(c) ? $"an unpaired surrogate (U+{code})"
            : $"a character outside its alphabet (U+{code})";
    }
}
