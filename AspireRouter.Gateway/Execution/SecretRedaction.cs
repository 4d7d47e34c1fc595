using System.Text;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Scrubs a provider key from an upstream error body before it is relayed: providers echo the key they were sent
/// ("Incorrect API key provided: sk-…"), and the client must never see the gateway's credentials.
/// </summary>
public static class SecretRedaction
{
    private static readonly byte[] Mask = "***"u8.ToArray();

    public static byte[] Redact(byte[] body, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return body;
        }

        var needle = Encoding.UTF8.GetBytes(secret);
        var at = body.AsSpan().IndexOf(needle);
        if (at < 0)
        {
            return body;
        }

        var result = new List<byte>(body.Length);
        var rest = body.AsSpan();
        while (at >= 0)
        {
            result.AddRange(rest[..at]);
            result.AddRange(Mask);
            rest = rest[(at + needle.Length)..];
            at = rest.IndexOf(needle);
        }

        result.AddRange(rest);
        return [.. result];
    }
}
