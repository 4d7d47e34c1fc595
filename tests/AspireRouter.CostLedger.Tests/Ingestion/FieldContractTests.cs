using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>The ledger and the gateway share one field contract: every value it allows is a row, nothing else is.</summary>
[Collection(LedgerCollection.Name)]
public sealed class FieldContractTests(LedgerInfrastructure infrastructure)
{
    public static TheoryData<string, int> Columns => new()
    {
        { nameof(CostEntry.RequestId), CostFields.RequestId.MaxLength },
        { nameof(CostEntry.CorrelationId), CostFields.CorrelationId.MaxLength },
        { nameof(CostEntry.ApiKeyId), CostFields.ApiKeyId.MaxLength },
        { nameof(CostEntry.Team), CostFields.Team.MaxLength },
        { nameof(CostEntry.Feature), CostFields.Feature.MaxLength },
        { nameof(CostEntry.User), CostFields.User.MaxLength },
        { nameof(CostEntry.Category), CostFields.Category.MaxLength },
        { nameof(CostEntry.RequestedModel), CostFields.RequestedModel.MaxLength },
        { nameof(CostEntry.Model), CostFields.Model.MaxLength },
        { nameof(CostEntry.Region), CostFields.Region.MaxLength },
        { nameof(CostEntry.GatewayRegion), CostFields.GatewayRegion.MaxLength },
        { nameof(CostEntry.Outcome), CostFields.Outcome.MaxLength },
        { nameof(CostEntry.Residency), CostFields.Residency.MaxLength },
        { nameof(CostEntry.RoutingReason), CostFields.RoutingReason.MaxLength },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Column_IsNeverNarrowerThanItsFieldRule(string property, int ruleMaxLength)
    {
        using var db = new LedgerDbContext(new DbContextOptionsBuilder<LedgerDbContext>().UseNpgsql("Host=unused").Options);
        var column = db.Model.FindEntityType(typeof(CostEntry))!.FindProperty(property)!.GetMaxLength();
        Assert.NotNull(column);
        Assert.True(column >= ruleMaxLength, $"{property}: column {column} < rule {ruleMaxLength}");
    }

    [Fact]
    public async Task LongestValuesTheContractAllows_AreWrittenWhole_WithTheCorrelationId()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var e = CostEvents.Make(
            user: "👩‍💻" + new string('u', CostFields.UserMaxLength - 5),
            team: new string('t', CostFields.IdentifierMaxLength),
            feature: new string('f', CostFields.IdentifierMaxLength)) with
        {
            RequestId = "req_" + Guid.CreateVersion7().ToString("N"),
            CorrelationId = "corr:/+=@" + new string('c', CostFields.IdMaxLength - 9),
            RequestedModel = "José's model " + new string('m', CostFields.NameMaxLength - 13),
            RoutingReason = new string('r', CostFields.TextMaxLength - 1) + "😀",
        };
        Assert.Null(CostFields.Validate(e));
        await harness.PublishAsync(e);
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1 && await harness.PendingAsync() == 0, "the row");

        await using var db = harness.CreateDbContext();
        var row = await db.CostEntries.SingleAsync();
        Assert.Equal((e.RequestId, e.CorrelationId, e.User, e.Team, e.Feature, e.RequestedModel), (row.RequestId, row.CorrelationId, row.User, row.Team, row.Feature, row.RequestedModel));

        // A reason past its length is cut, never through the middle of a surrogate pair.
        Assert.Equal(new string('r', CostFields.TextMaxLength - 1), row.RoutingReason);
        Assert.Equal(0, await harness.Redis.StreamLengthAsync(CostStream.DeadLetter));
    }

    [Theory]
    [InlineData("user", "a\u0000b")]
    [InlineData("user", "lone {surrogate}")]
    [InlineData("team", "has space")]
    [InlineData("correlationId", "a,b")]
    [InlineData("requestId", "")]
    [InlineData("requestedModel", "tab\t")]
    public void Validate_NamesTheFieldThatBreaksTheContract(string field, string value)
    {
        // An attribute cannot carry an unpaired surrogate through metadata: it is put in here.
        value = value.Replace("{surrogate}", "\ud800", StringComparison.Ordinal);
        var e = CostEvents.Make();
        e = field switch
        {
            "user" => e with { User = value },
            "team" => e with { Team = value },
            "correlationId" => e with { CorrelationId = value },
            "requestId" => e with { RequestId = value },
            _ => e with { RequestedModel = value },
        };

        Assert.StartsWith(field + " ", CostFields.Validate(e), StringComparison.Ordinal);
    }
}
