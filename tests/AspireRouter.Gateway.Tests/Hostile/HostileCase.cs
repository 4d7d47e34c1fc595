using System.Text;

namespace AspireRouter.Gateway.Tests.Hostile;

/// <summary>One hostile request: raw body bytes, extra headers, method and path, and the answer it must get.</summary>
public sealed record HostileCase(string Name, byte[] Body, int Status, string Code)
{
    public string Method { get; init; } = "POST";
    public string Path { get; init; } = "/v1/chat/completions";
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Send the body without Content-Length (chunked), so the size cap is hit while reading.</summary>
    public bool Chunked { get; init; }

    public static HostileCase Json(string name, string json, int status, string code) => new(name, Encoding.UTF8.GetBytes(json), status, code);

    public static HostileCase Bytes(string name, byte[] body, int status, string code) => new(name, body, status, code);

    public override string ToString() => Name;
}
