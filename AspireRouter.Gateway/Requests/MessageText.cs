using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>What a message's role means to the gateway: the classifier reads the user's and the system's text apart.</summary>
public enum MessageRole : byte
{
    Other,
    User,

    /// <summary><c>system</c> or <c>developer</c>.</summary>
    System,
}

/// <summary>
/// One text value of a request's messages (a string <c>content</c>, or a content part's <c>text</c>), as the parser
/// found it: where its JSON string token sits in the body, and which message it belongs to. Later stages decode it from
/// there instead of reading the body again.
/// </summary>
/// <param name="Message">The message's index in <c>messages</c>.</param>
/// <param name="Start">Byte offset of the JSON string token (its opening quote) in the body.</param>
/// <param name="Length">Byte length of the token, quotes included.</param>
public readonly record struct MessageText(int Message, int Start, int Length)
{
    /// <summary>The text, unescaped.</summary>
    public string Decode(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span.Slice(Start, Length));
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>
    /// Copies the text, unescaped, into <paramref name="destination"/> (at least <see cref="Length"/> chars); returns its
    /// length, or 0 for bytes that are not UTF-8 (the API refuses such a body before anything reads it; a caller that
    /// reads a body it did not check gets nothing instead of an exception).
    /// </summary>
    public int CopyTo(ReadOnlyMemory<byte> body, Span<char> destination)
    {
        var reader = new Utf8JsonReader(body.Span.Slice(Start, Length));
        reader.Read();
        try
        {
            return reader.CopyString(destination);
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }
}
