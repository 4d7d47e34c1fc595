using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AspireRouter.CostLedger.Migrations
{
    /// <inheritdoc />
    public partial class RollupsFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "daily_rollups")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.AlterTable(
                name: "daily_dimension_rollups")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "daily_rollups")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.AlterTable(
                name: "daily_dimension_rollups")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);
        }
    }
}
