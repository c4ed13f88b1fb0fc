using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Approvals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "approval_plan",
                table: "requests",
                type: "TEXT",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "approval_stage",
                table: "requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "stage_due_at",
                table: "requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "stage_started_at",
                table: "requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "approval_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    request_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    stage = table.Column<int>(type: "INTEGER", nullable: false),
                    approver_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    approver_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    verdict = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    mfa_method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    decided_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approval_decisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_approval_decisions_principals_approver_id",
                        column: x => x.approver_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_approval_decisions_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_requests_status_stage_due_at",
                table: "requests",
                columns: new[] { "status", "stage_due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_approval_decisions_approver_id",
                table: "approval_decisions",
                column: "approver_id");

            migrationBuilder.CreateIndex(
                name: "ix_approval_decisions_request_id_stage_approver_id",
                table: "approval_decisions",
                columns: new[] { "request_id", "stage", "approver_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_decisions");

            migrationBuilder.DropIndex(
                name: "ix_requests_status_stage_due_at",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "approval_plan",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "approval_stage",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "stage_due_at",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "stage_started_at",
                table: "requests");
        }
    }
}
