using System.Buffers;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Costs;

/// <summary>Who a request's cost is charged to: team, end user and product feature.</summary>
public sealed record CostAttribution(string Team, string? User, string? Feature, string? ApiKeyId = null)
{
    public const string TeamHeader = "X-AspireRouter-Team";
    public const string UserHeader = "X-AspireRouter-User";
    public const string FeatureHeader = "X-AspireRouter-Feature";
    public const string DefaultTeam = "default";

    /// <summary>Longest team or feature identifier.</summary>
    public const int MaxIdentifierLength = 64;

    /// <summary>Longest user value kept (OpenAI's <c>user</c> is free text; longer values are cut).</summary>
    public const int MaxUserLength = 256;

    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>
    /// Reads the attribution of a request: team from <see cref="TeamHeader"/> (until API keys carry it), user from the
    /// body's <c>user</c> or <see cref="UserHeader"/>, feature from <see cref="FeatureHeader"/>. Team and feature must be
    /// short identifiers (letters, digits, '-', '_', '.'), because they become Redis keys and metric tags.
    /// </summary>
    public static CostAttribution? From(IHeaderDictionary headers, ChatRequest request, out RequestError? error)
    {
        error = null;
        var team = headers[TeamHeader].ToString();
        if (team.Length == 0)
        {
            team = DefaultTeam;
        }
        else if (!IsIdentifier(team))
        {
            error = RequestError.Invalid($"The {TeamHeader} header must be 1-{MaxIdentifierLength} letters, digits, '-', '_' or '.'.", null, "invalid_team");
            return null;
        }

        var feature = headers[FeatureHeader].ToString();
        if (feature.Length > 0 && !IsIdentifier(feature))
        {
            error = RequestError.Invalid($"The {FeatureHeader} header must be 1-{MaxIdentifierLength} letters, digits, '-', '_' or '.'.", null, "invalid_feature");
            return null;
        }

        var user = request.User ?? headers[UserHeader].ToString();
        if (user.Length > MaxUserLength)
        {
            user = user[..MaxUserLength];
        }

        return new CostAttribution(team, user.Length > 0 ? user : null, feature.Length > 0 ? feature : null);
    }

    internal static bool IsIdentifier(string value) =>
        value.Length <= MaxIdentifierLength && !value.AsSpan().ContainsAnyExcept(IdentifierChars);
}
