using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AlertDismissedCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "dismissed_item_count",
                table: "security_alerts",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "dismissed_item_count",
                table: "security_alerts");
        }
    }
}
