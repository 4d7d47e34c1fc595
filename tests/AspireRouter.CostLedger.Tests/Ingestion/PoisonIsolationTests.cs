using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>
/// No single event stops the ledger: an event that cannot be a row is dead-lettered alone, with its reason, and every
/// other event of its batch is written (PostgreSQL being down dead-letters nothing: IngestionTests).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class PoisonIsolationTests(LedgerInfrastructure infrastructure)
{
    private const string Nul = "\u0000";

    [Fact]
    public async Task Ingest_NulInAnyStringField_IsDeadLetteredAlone_TheRestOfTheBatchIsWritten()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var good = Enumerable.Range(0, 30).Select(_ => CostEvents.Make()).ToList();
        var template = CostEvents.Make();
        List<RequestCostRecorded> poison =
        [
            CostEvents.Make(user: "evil" + Nul + "user"),
            CostEvents.Make(feature: "chat" + Nul),
            CostEvents.Make() with { RequestedModel = "light" + Nul + "x" },
            CostEvents.Make() with { RoutingReason = "category header" + Nul },
            CostEvents.Make() with { CorrelationId = "corr" + Nul },
            CostEvents.Make() with { AttemptCosts = [template.AttemptCosts[0] with { Model = "deepseek" + Nul }] },
        ];

        // Poison first, between and last: one batch of the consumer holds them all.
        await harness.PublishManyAsync([poison[0], .. good[..10], poison[1], poison[2], .. good[10..20], poison[3], poison[4], .. good[20..], poison[5]]);
        harness.StartLedger();

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == good.Count && await harness.PendingAsync() == 0,
            "the 30 good events written and every entry acknowledged");
        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.DeadLetter) == poison.Count, "6 dead letters");

        var dead = await harness.Redis.StreamRangeAsync(CostStream.DeadLetter);
        Assert.All(dead, d => Assert.Contains("control character", d["reason"].ToString(), StringComparison.Ordinal));
        Assert.Equal(poison.Select(p => p.RequestId).Order(), dead.Select(d => d["request_id"].ToString()).Order());
        await using var db = harness.CreateDbContext();
        Assert.Equal(good.Select(g => g.RequestId).Order(), (await db.CostEntries.Select(e => e.RequestId).ToListAsync()).Order());
    }

    [Fact]
    public async Task Ingest_RowThatPostgresRefuses_IsDeadLetteredAlone_TheRestOfTheBatchIsWritten()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        harness.StartLedger();
        await harness.PublishAsync(CostEvents.Make());
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "the schema migrated and a first row");

        // A refusal the ledger's own validation does not know of: the database says no to one row.
        await harness.ExecuteAsync(RefuseTeamTrigger);
        var good = Enumerable.Range(0, 40).Select(_ => CostEvents.Make()).ToList();
        var refused = CostEvents.Make(team: "blocked");
        await harness.PublishManyAsync([.. good[..17], refused, .. good[17..]]);

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 41 && await harness.PendingAsync() == 0,
            "the 40 other events written around the refused one");
        var dead = Assert.Single(await harness.Redis.StreamRangeAsync(CostStream.DeadLetter));
        Assert.Equal(refused.RequestId, dead["request_id"].ToString());
        Assert.Contains("22023", dead["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await harness.ScalarAsync("SELECT count(*) FROM cost_entries WHERE team = 'blocked'"));
        Assert.Equal(41, await harness.ScalarAsync("SELECT sum(requests) FROM daily_rollups"));
    }

    [Theory]
    [InlineData("22021", true)]   // invalid byte sequence (U+0000 in text)
    [InlineData("22P05", true)]   // unsupported Unicode escape (U+0000 in jsonb)
    [InlineData("22001", true)]   // value too long
    [InlineData("23502", true)]   // not null
    [InlineData("54000", true)]   // row or index entry too big
    [InlineData("23505", false)]  // unique violation: another writer inserted the same request; the retry sees a duplicate
    [InlineData("08006", false)]  // connection failure
    [InlineData("57P01", false)]  // admin shutdown
    [InlineData("53100", false)]  // disk full
    [InlineData("40001", false)]  // serialization failure
    [InlineData("42P01", false)]  // undefined table: the schema, not the event
    [InlineData("P0001", false)]  // a trigger's RAISE without a data SQLSTATE: in doubt, an outage
    public void WriteFailure_OnlyDataErrorsAreRefusals(string sqlState, bool refusal)
    {
        var error = new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new Npgsql.PostgresException("no", "ERROR", "ERROR", sqlState));
        Assert.Equal(refusal, AspireRouter.CostLedger.Ingestion.WriteFailures.Refusal(error) is not null);
    }

    [Fact]
    public void WriteFailure_ConnectionAndTimeoutErrorsAreOutages_LocalConversionErrorsAreRefusals()
    {
        Assert.Null(AspireRouter.CostLedger.Ingestion.WriteFailures.Refusal(new Npgsql.NpgsqlException("connection refused", new System.Net.Sockets.SocketException())));
        Assert.Null(AspireRouter.CostLedger.Ingestion.WriteFailures.Refusal(new InvalidOperationException("transient", new TimeoutException())));
        Assert.NotNull(AspireRouter.CostLedger.Ingestion.WriteFailures.Refusal(new OverflowException("too big for numeric")));
    }

    internal const string RefuseTeamTrigger = """
        CREATE FUNCTION refuse_blocked_team() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.team = 'blocked' THEN
                RAISE EXCEPTION 'team blocked by the test' USING ERRCODE = '22023';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_blocked_team BEFORE INSERT ON cost_entries FOR EACH ROW EXECUTE FUNCTION refuse_blocked_team();
        """;
}
