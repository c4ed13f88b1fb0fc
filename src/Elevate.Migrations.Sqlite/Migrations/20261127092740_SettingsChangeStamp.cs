using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SettingsChangeStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "change_seq",
                table: "role_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "ix_role_settings_change_seq",
                table: "role_settings",
                column: "change_seq");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_role_settings_change_seq",
                table: "role_settings");

            migrationBuilder.DropColumn(
                name: "change_seq",
                table: "role_settings");
        }
    }
}
