using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Requests;

/// <summary>Who a request's cost is charged to (team, end user, product feature) and the client's correlation id.</summary>
public sealed record CostAttribution(string Team, string? User, string? Feature, string? ApiKeyId = null, string? CorrelationId = null)
{
    public const string TeamHeader = "X-AspireRouter-Team";
    public const string UserHeader = "X-AspireRouter-User";
    public const string FeatureHeader = "X-AspireRouter-Feature";
    public const string DefaultTeam = "default";

    /// <summary>Longest team or feature identifier (<see cref="CostFields.IdentifierMaxLength"/>).</summary>
    public const int MaxIdentifierLength = CostFields.IdentifierMaxLength;

    /// <summary>
    /// Reads everything of the client's that its cost event will carry, and refuses (400 naming the field) what breaks
    /// the shared contract, <see cref="CostFields"/>, instead of emitting an event the ledger would refuse: team from
    /// <see cref="TeamHeader"/> (until API keys carry it), user from the body's <c>user</c> or <see cref="UserHeader"/>,
    /// feature from <see cref="FeatureHeader"/>, and the body's <c>model</c> (recorded as sent, even when a category
    /// header means it is never looked up). Nothing is cut or rewritten: a stored value is the value sent.
    /// </summary>
    public static CostAttribution? From(IHeaderDictionary headers, ChatRequest request, string? correlationId, out RequestError? error)
    {
        var team = headers[TeamHeader].ToString();
        if (team.Length == 0)
        {
            team = DefaultTeam;
        }
        else if (Refuse(CostFields.Team, team, TeamHeader, "invalid_team", out error))
        {
            return null;
        }

        var feature = headers[FeatureHeader].ToString();
        if (Refuse(CostFields.Feature, feature, FeatureHeader, "invalid_feature", out error))
        {
            return null;
        }

        var (user, userSource) = request.User is { } bodyUser ? (bodyUser, "user") : (headers[UserHeader].ToString(), UserHeader);
        if (Refuse(CostFields.User, user, userSource, "invalid_user", out error)
            || Refuse(CostFields.RequestedModel, request.Model, "model", "invalid_model", out error))
        {
            return null;
        }

        return new CostAttribution(team, user.Length > 0 ? user : null, feature.Length > 0 ? feature : null, CorrelationId: correlationId);
    }

    internal static bool IsIdentifier(string value) => CostFields.Team.Allows(value);

    private static bool Refuse(FieldRule rule, string value, string source, string code, out RequestError? error)
    {
        error = rule.Check(value) is { } problem
            ? RequestError.Invalid($"{Source(source)} {problem}; it must be {rule.Description}.", source, code)
            : null;
        return error is not null;
    }

    private static string Source(string source) => source.StartsWith("X-", StringComparison.Ordinal) ? $"The {source} header" : $"'{source}'";
}
