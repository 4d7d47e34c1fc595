using System.Security.Cryptography;
using System.Text;
using AspireRouter.Gateway.Requests;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// Finds the caller's key in <c>Authorization: Bearer</c>, <c>api-key</c> (Azure) or <c>x-api-key</c> and checks it
/// against <see cref="ApiKeyStore"/>. Errors are OpenAI's: 401 <c>invalid_api_key</c>, 503 when the store is down.
/// The secret is never logged or echoed.
/// </summary>
public sealed class ApiKeyAuthenticator(ApiKeyStore store, IOptionsMonitor<ApiKeyOptions> options)
{
    /// <summary>Returns the key, or null with no error for an anonymous request that is allowed, or an error.</summary>
    public async ValueTask<(AuthenticatedKey? Key, RequestError? Error)> AuthenticateAsync(HttpRequest request)
    {
        var current = options.CurrentValue;
        var secret = SecretOf(request.Headers);
        if (secret is null)
        {
            return current.AllowAnonymous
                ? (null, null)
                : (null, Unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'."));
        }

        if (current.DevelopmentKey is { Length: > 0 } development && FixedTimeEquals(secret, development))
        {
            return (new AuthenticatedKey("dev", current.DevelopmentTeam, [], null, null, null), null);
        }

        var found = await store.FindAsync(secret);
        if (found.Record is { } record)
        {
            return (AuthenticatedKey.From(record), null);
        }

        return found.Unavailable
            ? (null, new RequestError(StatusCodes.Status503ServiceUnavailable, "The key store cannot be reached; try again shortly.", "api_error", null, "auth_unavailable"))
            : (null, Unauthorized("Incorrect API key provided."));
    }

    private static string? SecretOf(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }

        foreach (var name in (ReadOnlySpan<string>)["api-key", "x-api-key"])
        {
            if (headers[name].ToString() is { Length: > 0 } value)
            {
                return value.Trim();
            }
        }

        return authorization.Length > 0 ? authorization : null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static RequestError Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, message, "invalid_request_error", null, "invalid_api_key");
}
