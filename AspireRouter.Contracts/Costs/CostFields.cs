namespace AspireRouter.Contracts.Costs;

/// <summary>
/// The one contract for every field of <see cref="RequestCostRecorded"/>: names, longest values and alphabets. The
/// gateway enforces it at its edge (a 400 naming the field), the ledger validates each event against it before insert
/// and sizes its columns from these constants. An event that passes <see cref="Validate"/> is a row the ledger can write.
/// </summary>
public static class CostFields
{
    /// <summary>Ids: the gateway's request id, the client's correlation id, the API key id.</summary>
    public const int IdMaxLength = 128;

    /// <summary>Team and feature: short identifiers, because they become Redis keys and metric tags.</summary>
    public const int IdentifierMaxLength = 64;

    /// <summary>The end user (OpenAI's <c>user</c>, free text): kept whole up to this length, refused beyond it.</summary>
    public const int UserMaxLength = 256;

    /// <summary>Registry names and what the client sent as <c>model</c>: category, models, regions, outcome, residency.</summary>
    public const int NameMaxLength = 128;

    /// <summary>The routing reason, a sentence: the ledger keeps its first <see cref="TextMaxLength"/> characters.</summary>
    public const int TextMaxLength = 512;

    /// <summary>Largest cost of one request the ledger accepts (its money columns are numeric(20, 10)).</summary>
    public const decimal MaxCostUsd = 1_000_000m;

    public static readonly FieldRule RequestId = new("requestId", IdMaxLength, FieldAlphabet.Token);
    public static readonly FieldRule CorrelationId = new("correlationId", IdMaxLength, FieldAlphabet.Token);
    public static readonly FieldRule ApiKeyId = new("apiKeyId", IdMaxLength, FieldAlphabet.Token);
    public static readonly FieldRule Team = new("team", IdentifierMaxLength, FieldAlphabet.Identifier);
    public static readonly FieldRule Feature = new("feature", IdentifierMaxLength, FieldAlphabet.Identifier);
    public static readonly FieldRule User = new("user", UserMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule RequestedModel = new("requestedModel", NameMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule Category = new("category", NameMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule Model = new("model", NameMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule Region = new("region", NameMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule GatewayRegion = new("gatewayRegion", NameMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule Outcome = new("outcome", NameMaxLength, FieldAlphabet.Text);
    public static readonly FieldRule Residency = new("residency", NameMaxLength, FieldAlphabet.Text);

    /// <summary>Longer reasons are cut (<see cref="FieldRule.Truncate"/>), not refused: the reason explains, it is not a key.</summary>
    public static readonly FieldRule RoutingReason = new("routingReason", TextMaxLength, FieldAlphabet.Text);

    /// <summary>The first reason <paramref name="e"/> cannot be a ledger row, or null when it can.</summary>
    public static string? Validate(RequestCostRecorded e)
    {
        var problem = RequestId.Problem(e.RequestId, required: true)
            ?? CorrelationId.Problem(e.CorrelationId)
            ?? Team.Problem(e.Team, required: true)
            ?? User.Problem(e.User)
            ?? Feature.Problem(e.Feature)
            ?? ApiKeyId.Problem(e.ApiKeyId)
            ?? Category.Problem(e.Category, required: true)
            ?? RequestedModel.Problem(e.RequestedModel, required: true)
            ?? Model.Problem(e.Model)
            ?? Region.Problem(e.Region)
            ?? GatewayRegion.Problem(e.GatewayRegion, required: true)
            ?? Outcome.Problem(e.Outcome, required: true)
            ?? RoutingReason.Problem(e.RoutingReason is { } reason ? FieldRule.Truncate(reason, TextMaxLength) : null)
            ?? Residency.Problem(e.Residency);
        if (problem is not null)
        {
            return problem;
        }

        if (e.InputTokens < 0 || e.CachedInputTokens < 0 || e.OutputTokens < 0 || e.ReasoningTokens < 0)
        {
            return "Token counts must not be negative.";
        }

        if (e.CostUsd < 0 || e.CostUsd >= MaxCostUsd)
        {
            return $"costUsd {e.CostUsd} is outside [0, {MaxCostUsd}).";
        }

        if (e.OccurredAt == default)
        {
            return "occurredAt is missing.";
        }

        if (e.AttemptCosts is null)
        {
            return "attemptCosts is null.";
        }

        for (var i = 0; i < e.AttemptCosts.Count; i++)
        {
            var attempt = e.AttemptCosts[i];
            if (attempt is null)
            {
                return $"attemptCosts[{i}] is null.";
            }

            // The attempts are stored as jsonb, which refuses U+0000 like text does.
            if ((Model.Check(attempt.Model, required: true) ?? Region.Check(attempt.Region, required: true) ?? Outcome.Check(attempt.Outcome, required: true)) is { } bad)
            {
                return $"attemptCosts[{i}]: a name {bad}; it must be {Model.Description}.";
            }
        }

        return null;
    }
}
