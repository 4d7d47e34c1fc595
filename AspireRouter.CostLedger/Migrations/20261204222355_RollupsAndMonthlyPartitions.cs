using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AspireRouter.CostLedger.Migrations
{
    /// <inheritdoc />
    public partial class RollupsAndMonthlyPartitions : Migration
    {
        /// <summary>
        /// Turns <c>cost_entries</c> into a table partitioned by UTC month of <c>occurred_at</c>, keeping every row:
        /// the existing table is renamed, the partitioned one created with the same columns and indexes, a partition per
        /// month from the oldest row to three months ahead plus a default partition, the rows copied, the old table
        /// dropped. The key becomes (request_id, occurred_at): a partitioned table's unique key must contain the
        /// partition key (see CostEntry). Then the user/feature/region rollups are created and filled from the rows.
        /// The copy rewrites the table once, inside the migration's transaction.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE cost_entries RENAME TO cost_entries_unpartitioned;
                ALTER TABLE cost_entries_unpartitioned RENAME CONSTRAINT "PK_cost_entries" TO "PK_cost_entries_unpartitioned";
                ALTER INDEX "IX_cost_entries_occurred_at" RENAME TO "IX_cost_entries_unpartitioned_occurred_at";
                ALTER INDEX "IX_cost_entries_team_day" RENAME TO "IX_cost_entries_unpartitioned_team_day";

                CREATE TABLE cost_entries (LIKE cost_entries_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
                    PARTITION BY RANGE (occurred_at);
                ALTER TABLE cost_entries ADD CONSTRAINT "PK_cost_entries" PRIMARY KEY (request_id, occurred_at);
                CREATE INDEX "IX_cost_entries_occurred_at" ON cost_entries (occurred_at);
                CREATE INDEX "IX_cost_entries_team_day" ON cost_entries (team, day);
                CREATE TABLE cost_entries_default PARTITION OF cost_entries DEFAULT;

                DO $$
                DECLARE month date;
                BEGIN
                    FOR month IN
                        SELECT generate_series(
                            date_trunc('month', coalesce((SELECT min(occurred_at) FROM cost_entries_unpartitioned), now()) AT TIME ZONE 'UTC'),
                            date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months',
                            interval '1 month')::date
                    LOOP
                        EXECUTE format('CREATE TABLE %I PARTITION OF cost_entries FOR VALUES FROM (%L) TO (%L)',
                            'cost_entries_' || to_char(month, 'YYYY_MM'),
                            to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00',
                            to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
                    END LOOP;
                END $$;

                INSERT INTO cost_entries SELECT * FROM cost_entries_unpartitioned;
                DROP TABLE cost_entries_unpartitioned;
                """);

            migrationBuilder.CreateTable(
                name: "daily_dimension_rollups",
                columns: table => new
                {
                    dimension = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    team = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cached_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    reasoning_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_daily_dimension_rollups", x => new { x.dimension, x.day, x.team, x.value });
                });

            migrationBuilder.Sql("""
                INSERT INTO daily_dimension_rollups (dimension, day, team, value, requests, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd)
                SELECT d.dimension, e.day, e.team, coalesce(d.value, '(none)'), count(*), sum(e.input_tokens), sum(e.cached_input_tokens),
                    sum(e.output_tokens), sum(e.reasoning_tokens), sum(e.cost_usd)
                FROM cost_entries e
                CROSS JOIN LATERAL (VALUES ('user', e."user"), ('feature', e.feature), ('region', e.region), ('key', e.api_key_id)) AS d(dimension, value)
                GROUP BY 1, 2, 3, 4;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "daily_dimension_rollups");

            migrationBuilder.Sql("""
                CREATE TABLE cost_entries_unpartitioned (LIKE cost_entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
                INSERT INTO cost_entries_unpartitioned SELECT DISTINCT ON (request_id) * FROM cost_entries ORDER BY request_id, occurred_at;
                DROP TABLE cost_entries;
                ALTER TABLE cost_entries_unpartitioned RENAME TO cost_entries;
                ALTER TABLE cost_entries ADD CONSTRAINT "PK_cost_entries" PRIMARY KEY (request_id);
                CREATE INDEX "IX_cost_entries_occurred_at" ON cost_entries (occurred_at);
                CREATE INDEX "IX_cost_entries_team_day" ON cost_entries (team, day);
                """);
        }
    }
}
