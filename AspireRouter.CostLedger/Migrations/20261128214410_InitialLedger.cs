using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AspireRouter.CostLedger.Migrations
{
    /// <inheritdoc />
    public partial class InitialLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "budget_alerts",
                columns: table => new
                {
                    team = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    period = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    period_start = table.Column<DateOnly>(type: "date", nullable: false),
                    threshold_percent = table.Column<int>(type: "integer", nullable: false),
                    spent_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    limit_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_budget_alerts", x => new { x.team, x.period, x.period_start, x.threshold_percent });
                });

            migrationBuilder.CreateTable(
                name: "cost_entries",
                columns: table => new
                {
                    request_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    team = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    user = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    feature = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    api_key_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    category = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    requested_model = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    model = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    region = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    gateway_region = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    outcome = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    streamed = table.Column<bool>(type: "boolean", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    fallback = table.Column<bool>(type: "boolean", nullable: false),
                    hedged = table.Column<bool>(type: "boolean", nullable: false),
                    routing_reason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    residency = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    latency_ms = table.Column<double>(type: "double precision", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cached_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    reasoning_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    baseline_cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    estimated = table.Column<bool>(type: "boolean", nullable: false),
                    attempt_costs = table.Column<string>(type: "jsonb", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stream_entry_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cost_entries", x => x.request_id);
                });

            migrationBuilder.CreateTable(
                name: "daily_rollups",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    team = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    category = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    model = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cached_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    reasoning_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    baseline_cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_daily_rollups", x => new { x.day, x.team, x.category, x.model });
                });

            migrationBuilder.CreateIndex(
                name: "IX_cost_entries_occurred_at",
                table: "cost_entries",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "IX_cost_entries_team_day",
                table: "cost_entries",
                columns: new[] { "team", "day" });

            migrationBuilder.CreateIndex(
                name: "IX_daily_rollups_team_day",
                table: "daily_rollups",
                columns: new[] { "team", "day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "budget_alerts");

            migrationBuilder.DropTable(
                name: "cost_entries");

            migrationBuilder.DropTable(
                name: "daily_rollups");
        }
    }
}
