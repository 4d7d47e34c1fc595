// The ledger benchmark (bench/ledger.sh runs it against a redis-server, a PostgreSQL and ledger replicas it starts):
//   1. throughput: a backlog pushed into ar:costs as fast as Redis takes it, drained by the replicas (events/s);
//   2. end-to-end lag (recorded_at - occurred_at) at fixed rates pushed in 10 ms ticks;
//   3. report latency (/v1/spend for every grouping, CSV, savings) over a ledger generated with SQL, at two sizes.
// Usage: --redis host:port --db "<connection string>" --ledger http://host:port [--backlog N] [--seconds N] [--rates 1000,5000] [--rows 1000000,10000000]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using Npgsql;
using StackExchange.Redis;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Option(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var redis = await ConnectionMultiplexer.ConnectAsync(Option("redis", "127.0.0.1:6379"));
var stream = redis.GetDatabase();
var db = Option("db", "Host=127.0.0.1;Username=postgres;Database=ledger");
var ledger = new HttpClient { BaseAddress = new Uri(Option("ledger", "http://127.0.0.1:5000")), Timeout = TimeSpan.FromSeconds(30) };
var backlog = int.Parse(Option("backlog", "100000"), CultureInfo.InvariantCulture);
var seconds = int.Parse(Option("seconds", "20"), CultureInfo.InvariantCulture);
var rates = Option("rates", "1000,5000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList();
var sizes = Option("rows", "1000000,10000000").Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToList();
var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

await WaitForRowsAsync("bench-warm", await PushAsync("bench-warm", 10), TimeSpan.FromMinutes(3));

// 1. Throughput.
var payloads = Enumerable.Range(0, backlog).Select(i => (RedisValue)JsonSerializer.Serialize(Event("bench-max", i), CostJsonContext.Default.RequestCostRecorded)).ToList();
var pushClock = Stopwatch.StartNew();
await PushPayloadsAsync(payloads);   // serialized beforehand: the push measures Redis, not the bench's JSON
var pushed = pushClock.Elapsed;
await WaitForRowsAsync("bench-max", backlog, TimeSpan.FromMinutes(10));
var wall = pushClock.Elapsed;
var drainMs = await ScalarAsync<double>("SELECT extract(epoch FROM max(recorded_at) - min(recorded_at)) * 1000 FROM cost_entries WHERE team = 'bench-max'");
Console.WriteLine($"## Ledger ({date}, {Environment.ProcessorCount} cores)\n");
Console.WriteLine("| Ingestion | events | events/s | lag p50 | lag p99 |");
Console.WriteLine("|---|---:|---:|---:|---:|");
Console.WriteLine($"| backlog, as fast as it drains (pushed in {pushed.TotalSeconds:F1} s) | {backlog:N0} | {backlog * 1000.0 / Math.Max(1, drainMs):N0} (wall {backlog / wall.TotalSeconds:N0}) | – | – |");

// 2. Lag at fixed rates.
foreach (var rate in rates)
{
    var team = $"bench-{rate}";
    var sent = await PaceAsync(team, rate, TimeSpan.FromSeconds(seconds));
    await WaitForRowsAsync(team, sent, TimeSpan.FromMinutes(5));
    var p50 = await ScalarAsync<double>($"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - occurred_at) * 1000) FROM cost_entries WHERE team = '{team}'");
    var p99 = await ScalarAsync<double>($"SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - occurred_at) * 1000) FROM cost_entries WHERE team = '{team}'");
    Console.WriteLine($"| {rate:N0} events/s for {seconds} s (achieved {sent / (double)seconds:N0}/s) | {sent:N0} | – | {p50:F0} ms | {p99:F0} ms |");
}

// 3. Reports over a generated ledger: rows spread over 120 days (a permutation, so every size covers the same days).
Console.WriteLine("\n| Report latency (20 requests each, range = last 30 days ending now) | ledger rows | p50 | p99 | max |");
Console.WriteLine("|---|---:|---:|---:|---:|");
long generated = 0;
foreach (var size in sizes)
{
    // Each size adds its rows over the same 120 days, in time order as gateways write them (a ledger grows by appending
    // the present; rows in random time order would put every row of a report's edge hour on a page of its own).
    var clock = Stopwatch.StartNew();
    var (stepFirst, stepCount) = (generated, size - generated);
    for (; generated < size; generated += Math.Min(1_000_000, size - generated))
    {
        await GenerateAsync(generated, Math.Min(1_000_000, size - generated), stepFirst, stepCount);
    }

    // What autovacuum leaves a live ledger in: the generator's upserts rewrote every rollup row once per million rows
    // (dead versions a report would wade through), and nothing has set the visibility map yet.
    await ExecuteAsync("VACUUM (ANALYZE)");
    Console.Error.WriteLine($"[ledger-bench] generated {size:N0} rows in {clock.Elapsed.TotalSeconds:F0} s");
    var paths = new[] { "team", "user", "feature", "category", "model", "region", "day" }.Select(g => ($"/v1/spend?groupBy={g}", $"spend by {g}"))
        .Append(("/v1/spend.csv?groupBy=user", "spend.csv by user")).Append(("/v1/spend/savings", "savings"));
    var all = new List<double>();
    foreach (var (path, name) in paths)
    {
        var samples = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await ledger.GetAsync(new Uri(path, UriKind.Relative));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            if (i > 0)
            {
                samples.Add(watch.Elapsed.TotalMilliseconds);   // the first request warms the path
            }
        }

        all.AddRange(samples);
        Console.WriteLine($"| {name} | {size:N0} | {Percentile(samples, 0.5):F0} ms | {Percentile(samples, 0.99):F0} ms | {samples.Max():F0} ms |");
    }

    Console.WriteLine($"| **all reports** | {size:N0} | {Percentile(all, 0.5):F0} ms | {Percentile(all, 0.99):F0} ms | {all.Max():F0} ms |");
}

return 0;

static double Percentile(List<double> samples, double p)
{
    var sorted = samples.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

RequestCostRecorded Event(string team, int i) => new()
{
    RequestId = $"{team}-{Guid.NewGuid():N}",
    OccurredAt = DateTimeOffset.UtcNow,
    Team = team,
    User = $"user-{i % 50}",
    Feature = "chat",
    Category = "general",
    RequestedModel = "general",
    Model = "qwen-3-8b",
    Region = "global",
    GatewayRegion = "global",
    Outcome = "success",
    Attempts = 1,
    InputTokens = 1000,
    OutputTokens = 200,
    CostUsd = 0.0002m,
    AttemptCosts = [new AttemptCost { Model = "qwen-3-8b", Region = "global", Outcome = "success", InputTokens = 1000, OutputTokens = 200, CostUsd = 0.0002m, PriceEffectiveFrom = new DateOnly(2026, 1, 1) }],
};

async Task<int> PushAsync(string team, int count)
{
    await PushPayloadsAsync([.. Enumerable.Range(0, count).Select(i => (RedisValue)JsonSerializer.Serialize(Event(team, i), CostJsonContext.Default.RequestCostRecorded))]);
    return count;
}

async Task PushPayloadsAsync(IReadOnlyList<RedisValue> payloads)
{
    foreach (var chunk in payloads.Chunk(500))
    {
        var batch = stream.CreateBatch();
        var adds = chunk.Select(p => batch.StreamAddAsync(CostStream.Name, CostStream.EventField, p)).ToList();
        batch.Execute();
        await Task.WhenAll(adds);
    }
}

async Task<int> PaceAsync(string team, int rate, TimeSpan duration)
{
    var clock = Stopwatch.StartNew();
    var sent = 0;
    while (clock.Elapsed < duration)
    {
        var due = (int)(rate * clock.Elapsed.TotalSeconds) - sent;
        if (due > 0)
        {
            sent += await PushAsync(team, due);
        }

        await Task.Delay(5);
    }

    return sent;
}

async Task WaitForRowsAsync(string team, long count, TimeSpan timeout)
{
    var clock = Stopwatch.StartNew();
    while (await CountAsync() < count)
    {
        if (clock.Elapsed > timeout)
        {
            throw new TimeoutException($"{team}: fewer than {count} rows after {timeout}.");
        }

        await Task.Delay(100);
    }

    async Task<long> CountAsync()
    {
        try
        {
            return await ScalarAsync<long>($"SELECT count(*) FROM cost_entries WHERE team = '{team}'");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;   // the ledger has not migrated yet
        }
    }
}

async Task GenerateAsync(long first, long count, long stepFirst, long stepCount)
{
    // Partitions for the generated months (the ledger keeps the current one and those ahead), then rows and their
    // rollups in one statement, as the ledger's writer does.
    await ExecuteAsync("""
        DO $$
        DECLARE month date;
        BEGIN
            FOR month IN SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC' - interval '121 days'), date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month')::date
            LOOP
                IF to_regclass('cost_entries_' || to_char(month, 'YYYY_MM')) IS NULL THEN
                    EXECUTE format('CREATE TABLE %I PARTITION OF cost_entries FOR VALUES FROM (%L) TO (%L)', 'cost_entries_' || to_char(month, 'YYYY_MM'),
                        to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
                END IF;
            END LOOP;
        END $$;
        """);
    await ExecuteAsync($"""
        WITH rows AS (
            SELECT i, date_trunc('day', now()) - interval '120 days' + (i - {stepFirst})::double precision / {stepCount} * interval '120 days' AS ts
            FROM generate_series({first}::bigint, {first + count - 1}) AS i
        ), inserted AS (
            INSERT INTO cost_entries (request_id, occurred_at, day, team, "user", feature, category, requested_model, model, region, gateway_region, outcome,
                streamed, attempts, fallback, hedged, latency_ms, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens,
                cost_usd, baseline_cost_usd, estimated, attempt_costs, recorded_at, stream_entry_id)
            SELECT 'gen-' || i, ts, (ts AT TIME ZONE 'UTC')::date, 'team-' || (i % 20), 'user-' || (i % 2000), 'feature-' || (i % 12),
                (ARRAY['general','light','code','reasoning'])[1 + i % 4], 'auto', (ARRAY['qwen-3-8b','qwen-3-32b','deepseek-v4-flash','gpt-5-mini','claude-haiku',NULL])[1 + (i / 7) % 6],
                CASE WHEN i % 5 = 0 THEN 'cn' ELSE 'global' END, 'global', 'success', i % 3 = 0, 1, false, false, 100 + i % 900,
                500 + i % 3000, 0, 50 + i % 800, 0, (1 + i % 97) / 100000.0, (1 + i % 97) / 50000.0, false, '[]', ts, i || '-0'
            FROM rows
            RETURNING day, team, "user", feature, category, model, region, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, baseline_cost_usd
        ), by_model AS (
            INSERT INTO daily_rollups AS r (day, team, category, model, requests, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, baseline_cost_usd)
            SELECT day, team, category, coalesce(model, '(none)'), count(*), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cost_usd), sum(baseline_cost_usd)
            FROM inserted GROUP BY 1, 2, 3, 4
            ON CONFLICT (day, team, category, model) DO UPDATE SET requests = r.requests + excluded.requests, input_tokens = r.input_tokens + excluded.input_tokens,
                cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
                reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens, cost_usd = r.cost_usd + excluded.cost_usd, baseline_cost_usd = r.baseline_cost_usd + excluded.baseline_cost_usd
        )
        INSERT INTO daily_dimension_rollups AS r (dimension, day, team, value, requests, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd)
        SELECT d.dimension, i.day, i.team, coalesce(d.value, '(none)'), count(*), sum(i.input_tokens), sum(i.cached_input_tokens), sum(i.output_tokens), sum(i.reasoning_tokens), sum(i.cost_usd)
        FROM inserted i CROSS JOIN LATERAL (VALUES ('user', i."user"), ('feature', i.feature), ('region', i.region)) AS d(dimension, value)
        GROUP BY 1, 2, 3, 4
        ON CONFLICT (dimension, day, team, value) DO UPDATE SET requests = r.requests + excluded.requests, input_tokens = r.input_tokens + excluded.input_tokens,
            cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
            reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens, cost_usd = r.cost_usd + excluded.cost_usd
        """);
}

async Task ExecuteAsync(string sql)
{
    await using var connection = new NpgsqlConnection(db);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
    await command.ExecuteNonQueryAsync();
}

async Task<T> ScalarAsync<T>(string sql)
{
    await using var connection = new NpgsqlConnection(db);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
}
