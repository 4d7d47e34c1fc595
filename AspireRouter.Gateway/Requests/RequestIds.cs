using System.Buffers.Binary;
using System.Security.Cryptography;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Request ids. Every request gets an id minted here (<c>req_</c> + a UUIDv7: unique, time-ordered), which keys its
/// ledger row and budget reservation and goes upstream. The client's <c>X-Request-Id</c> is only a correlation id:
/// echoed and stored, never trusted to be unique.
/// </summary>
public static class RequestIds
{
    /// <summary>The header a client correlates with; what it names is <see cref="CostFields.CorrelationId"/>.</summary>
    public const string CorrelationHeader = "X-Request-Id";

    private const int RandomBytesPerId = 10, IdsPerRefill = 64;

    // Each thread's random bytes, drawn from the system's CSPRNG 64 ids at a time: Guid.CreateVersion7 reads
    // /dev/urandom once per id, a system call on every request.
    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_next;

    /// <summary>A new id: <c>req_</c> + a UUIDv7 (48-bit Unix milliseconds, version 7, variant, 74 random bits) in hex.</summary>
    public static string Mint() => Mint(DateTimeOffset.UtcNow);

    internal static string Mint(DateTimeOffset now)
    {
        var random = t_random ??= new byte[RandomBytesPerId * IdsPerRefill];
        if (t_next == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        Span<byte> uuid = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(uuid, (ulong)now.ToUnixTimeMilliseconds() << 16);
        var drawn = random.AsSpan(t_next, RandomBytesPerId);
        drawn.CopyTo(uuid[6..]);
        drawn.Clear(); // a byte is used once
        t_next = (t_next + RandomBytesPerId) % random.Length;
        uuid[6] = (byte)(0x70 | (uuid[6] & 0x0F)); // version 7
        uuid[8] = (byte)(0x80 | (uuid[8] & 0x3F)); // RFC 9562 variant

        Span<char> id = stackalloc char[4 + 32];
        "req_".CopyTo(id);
        Convert.TryToHexStringLower(uuid, id[4..], out _);
        return new string(id);
    }

    /// <summary>
    /// The client's correlation id (null when it sent none), or a 400 naming the header when it breaks
    /// <see cref="CostFields.CorrelationId"/>: an id that could not be stored or logged as sent is refused, not altered.
    /// </summary>
    public static bool TryReadCorrelationId(string? header, out string? correlationId, out RequestError? error)
    {
        error = null;
        correlationId = string.IsNullOrEmpty(header) ? null : header;
        if (CostFields.CorrelationId.Check(correlationId) is { } problem)
        {
            correlationId = null;
            error = RequestError.Invalid(
                $"The {CorrelationHeader} header {problem}; it must be {CostFields.CorrelationId.Description}.", CorrelationHeader, "invalid_request_id");
            return false;
        }

        return true;
    }
}
