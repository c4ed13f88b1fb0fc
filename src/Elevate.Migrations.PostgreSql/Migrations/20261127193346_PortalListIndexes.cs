using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class PortalListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_assignments_origin_starts_at_kind_role_id_ended_at",
                table: "assignments",
                columns: new[] { "origin", "starts_at", "kind", "role_id", "ended_at" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_principal_id_created_at_id",
                table: "assignments",
                columns: new[] { "principal_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_role_id_created_at_id",
                table: "assignments",
                columns: new[] { "role_id", "created_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_assignments_origin_starts_at_kind_role_id_ended_at",
                table: "assignments");

            migrationBuilder.DropIndex(
                name: "ix_assignments_principal_id_created_at_id",
                table: "assignments");

            migrationBuilder.DropIndex(
                name: "ix_assignments_role_id_created_at_id",
                table: "assignments");
        }
    }
}
