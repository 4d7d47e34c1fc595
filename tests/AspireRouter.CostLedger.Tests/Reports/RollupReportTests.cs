using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Npgsql;

namespace AspireRouter.CostLedger.Tests.Reports;

/// <summary>
/// The reports answer from the rollups; they must equal what the ledger rows say, for every grouping, for ranges on
/// day boundaries (rollups only) and ranges that start and end inside a day (rollups plus the rows of the edge days).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class RollupReportTests(LedgerInfrastructure infrastructure)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Spend_EveryGrouping_EqualsTheRawRows_AlignedAndUnalignedRanges()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var random = new Random(16);
        string? Pick(params string?[] values) => values[random.Next(values.Length)];
        var events = Enumerable.Range(0, 400).Select(_ => CostEvents.Make(
            at: Start.AddMinutes(random.Next(5 * 24 * 60)),
            team: Pick("alpha", "beta", "gamma")!,
            user: Pick("ann", "bob", null, "carol"),
            feature: Pick("chat", "search", null),
            region: Pick("global", "cn")!,
            category: Pick("general", "light")!,
            model: Pick("deepseek-v4-flash", "qwen-3-8b", null),
            input: random.Next(1, 5000),
            output: random.Next(0, 2000),
            cost: random.Next(1, 100_000) / 1_000_000m) with { ApiKeyId = Pick("vk_one", "vk_two", null) }).ToList();
        var now = DateTimeOffset.UtcNow;
        var recent = Enumerable.Range(0, 60).Select(i => CostEvents.Make(at: now.AddMinutes(-random.Next(2 * 24 * 60)), team: Pick("alpha", "beta")!,
            user: Pick("ann", null), cost: random.Next(1, 100_000) / 1_000_000m)).ToList();
        await harness.PublishManyAsync([.. events, .. recent, .. events.Take(50)]);   // with duplicates
        var client = harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 460 && await harness.PendingAsync() == 0, "460 rows");

        var ranges = new[]
        {
            (Start, Start.AddDays(5)),
            (Start.AddDays(1), Start.AddDays(3)),
            (Start.AddHours(7.5), Start.AddDays(4).AddHours(3.25)),
            (Start.AddDays(2).AddHours(1), Start.AddDays(2).AddHours(20)),
            (Start.AddHours(20), Start.AddDays(3).AddHours(22)),
            (Start.AddDays(1), Start.AddDays(2).AddHours(23)),
            (now.AddDays(-2).AddHours(-5), now),
            (now.AddDays(-1), now.AddHours(2)),
        };
        foreach (var (from, to) in ranges)
        {
            foreach (var (grouping, column) in new[] { ("team", "team"), ("user", "\"user\""), ("feature", "feature"), ("category", "category"),
                         ("model", "model"), ("region", "region"), ("key", "api_key_id"), ("day", "to_char(day, 'YYYY-MM-DD')") })
            {
                var expected = await RawAsync(harness, $"""
                    SELECT coalesce({column}, '(none)'), count(*), sum(input_tokens), sum(cost_usd) FROM cost_entries
                    WHERE occurred_at >= @from AND occurred_at < @to GROUP BY 1
                    """, from, to);
                using var json = await client.GetFromJsonAsync<JsonDocument>(
                    $"/v1/spend?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&groupBy={grouping}");
                var actual = json!.RootElement.GetProperty("groups").EnumerateArray()
                    .Select(g => $"{g.GetProperty("key").GetString()}:{g.GetProperty("requests").GetInt64()}:{g.GetProperty("inputTokens").GetInt64()}:{g.GetProperty("costUsd").GetDecimal():0.##########}")
                    .Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual), $"{grouping} over [{from:O}, {to:O}): expected {string.Join(", ", expected)}; got {string.Join(", ", actual)}");
            }

            var savingsRaw = await RawAsync(harness, """
                SELECT category, count(*), sum(input_tokens), sum(baseline_cost_usd) FROM cost_entries
                WHERE occurred_at >= @from AND occurred_at < @to GROUP BY 1
                """, from, to);
            using var savings = await client.GetFromJsonAsync<JsonDocument>(
                $"/v1/spend/savings?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
            var totalBaseline = savingsRaw.Sum(s => decimal.Parse(s.Split(':')[3], CultureInfo.InvariantCulture));
            Assert.Equal(totalBaseline, savings!.RootElement.GetProperty("baselineCostUsd").GetDecimal());
        }
    }

    [Fact]
    public async Task Rollups_EqualTheRawRows_PerDayTeamAndEachDimension()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var random = new Random(3);
        var events = Enumerable.Range(0, 300).Select(i => CostEvents.Make(
            at: Start.AddMinutes(random.Next(3 * 24 * 60)), team: $"team-{i % 4}", user: i % 5 == 0 ? null : $"user-{i % 11}",
            feature: $"f{i % 3}", region: i % 2 == 0 ? "global" : "cn", model: i % 9 == 0 ? null : "qwen-3-8b", cost: (i + 1) / 10_000m)).ToList();
        await harness.PublishManyAsync(events);
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 300 && await harness.PendingAsync() == 0, "300 rows");

        Assert.Equal(0, await harness.ScalarAsync("""
            SELECT count(*) FROM (
                (SELECT day, team, category, coalesce(model, '(none)'), count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(baseline_cost_usd)
                 FROM cost_entries GROUP BY 1, 2, 3, 4
                 EXCEPT SELECT day, team, category, model, requests, input_tokens, output_tokens, cost_usd, baseline_cost_usd FROM daily_rollups)
                UNION ALL
                (SELECT day, team, category, model, requests, input_tokens, output_tokens, cost_usd, baseline_cost_usd FROM daily_rollups
                 EXCEPT SELECT day, team, category, coalesce(model, '(none)'), count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(baseline_cost_usd)
                 FROM cost_entries GROUP BY 1, 2, 3, 4)) AS difference
            """));
        Assert.Equal(0, await harness.ScalarAsync("""
            WITH raw AS (
                SELECT d.dimension, e.day, e.team, coalesce(d.value, '(none)') AS value, count(*) AS requests, sum(e.input_tokens) AS input_tokens, sum(e.cost_usd) AS cost_usd
                FROM cost_entries e CROSS JOIN LATERAL (VALUES ('user', e."user"), ('feature', e.feature), ('region', e.region), ('key', e.api_key_id)) AS d(dimension, value)
                GROUP BY 1, 2, 3, 4),
            rolled AS (SELECT dimension, day, team, value, requests, input_tokens, cost_usd FROM daily_dimension_rollups)
            SELECT count(*) FROM ((SELECT * FROM raw EXCEPT SELECT * FROM rolled) UNION ALL (SELECT * FROM rolled EXCEPT SELECT * FROM raw)) AS difference
            """));
        Assert.Equal(4 * 300, await harness.ScalarAsync("SELECT sum(requests) FROM daily_dimension_rollups")); // user, feature, region, key
    }

    private static async Task<List<string>> RawAsync(LedgerHarness harness, string sql, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = new NpgsqlConnection(harness.LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetString(0)}:{reader.GetInt64(1)}:{reader.GetDecimal(2):0}:{reader.GetDecimal(3):0.##########}");
        }

        return [.. rows.Order(StringComparer.Ordinal)];
    }
}
