using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    occurred_at = table.Column<long>(type: "INTEGER", nullable: false),
                    actor_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    actor_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    actor_token_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    action = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    principal_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    principal_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    role_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    role_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    request_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    assignment_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    justification = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ticket_system = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ticket_number = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    client_address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    correlation_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    details = table.Column<string>(type: "TEXT", nullable: true),
                    previous_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_head",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    last_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    last_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_head", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "principals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    normalized_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    manager_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    disabled_at = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    change_seq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_principals", x => x.id);
                    table.ForeignKey(
                        name: "fk_principals_principals_manager_id",
                        column: x => x.manager_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    normalized_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    is_privileged = table.Column<bool>(type: "INTEGER", nullable: false),
                    built_in = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    change_seq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "group_memberships",
                columns: table => new
                {
                    group_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    member_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    added_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_group_memberships", x => new { x.group_id, x.member_id });
                    table.ForeignKey(
                        name: "fk_group_memberships_principals_group_id",
                        column: x => x.group_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_group_memberships_principals_member_id",
                        column: x => x.member_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "setup_secrets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    principal_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    redeemed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    redeemed_token_id = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_setup_secrets", x => x.id);
                    table.ForeignKey(
                        name: "fk_setup_secrets_principals_principal_id",
                        column: x => x.principal_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    principal_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true),
                    revoked_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    last_used_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_used_from = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    change_seq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_tokens_principals_principal_id",
                        column: x => x.principal_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "assignments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    origin = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    principal_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    role_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    starts_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ends_at = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    eligibility_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    created_by_request_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    renewed_from_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    end_reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ended_by_request_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    change_seq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assignments", x => x.id);
                    table.ForeignKey(
                        name: "fk_assignments_principals_principal_id",
                        column: x => x.principal_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assignments_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    assignment_kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    principal_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    role_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    target_assignment_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    eligibility_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    starts_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ends_at = table.Column<long>(type: "INTEGER", nullable: true),
                    duration = table.Column<TimeSpan>(type: "TEXT", nullable: true),
                    expiration = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    justification = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ticket_system = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ticket_number = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    requested_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    requested_with_token_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    status_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    result_assignment_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    requires_approval = table.Column<bool>(type: "INTEGER", nullable: false),
                    requires_mfa = table.Column<bool>(type: "INTEGER", nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_requests_principals_principal_id",
                        column: x => x.principal_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_requests_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "role_settings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    role_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    settings = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    change_seq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_settings", x => x.id);
                    table.ForeignKey(
                        name: "fk_role_settings_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "audit_head",
                columns: new[] { "id", "last_hash", "last_sequence" },
                values: new object[] { 1, "0000000000000000000000000000000000000000000000000000000000000000", 0L });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_change_seq",
                table: "assignments",
                column: "change_seq");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_created_at_id",
                table: "assignments",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_eligibility_id",
                table: "assignments",
                column: "eligibility_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_one_open_activation",
                table: "assignments",
                columns: new[] { "principal_id", "role_id", "scope" },
                unique: true,
                filter: "origin = 'Activation' AND status IN ('Scheduled', 'Active')");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_principal_id_role_id_kind_status",
                table: "assignments",
                columns: new[] { "principal_id", "role_id", "kind", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_role_id_kind_status",
                table: "assignments",
                columns: new[] { "role_id", "kind", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_status_ends_at",
                table: "assignments",
                columns: new[] { "status", "ends_at" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_status_starts_at",
                table: "assignments",
                columns: new[] { "status", "starts_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_action_sequence",
                table: "audit_events",
                columns: new[] { "action", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_actor_id_sequence",
                table: "audit_events",
                columns: new[] { "actor_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_id",
                table: "audit_events",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_occurred_at",
                table: "audit_events",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_principal_id_sequence",
                table: "audit_events",
                columns: new[] { "principal_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_request_id",
                table: "audit_events",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_role_id_sequence",
                table: "audit_events",
                columns: new[] { "role_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_group_memberships_member_id",
                table: "group_memberships",
                column: "member_id");

            migrationBuilder.CreateIndex(
                name: "ix_principals_change_seq",
                table: "principals",
                column: "change_seq");

            migrationBuilder.CreateIndex(
                name: "ix_principals_kind_id",
                table: "principals",
                columns: new[] { "kind", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_principals_manager_id",
                table: "principals",
                column: "manager_id");

            migrationBuilder.CreateIndex(
                name: "ix_principals_normalized_name",
                table: "principals",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_requests_principal_id_created_at",
                table: "requests",
                columns: new[] { "principal_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_requested_by_id_created_at",
                table: "requests",
                columns: new[] { "requested_by_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_requested_by_id_idempotency_key",
                table: "requests",
                columns: new[] { "requested_by_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_requests_result_assignment_id",
                table: "requests",
                column: "result_assignment_id");

            migrationBuilder.CreateIndex(
                name: "ix_requests_role_id",
                table: "requests",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "ix_requests_status_created_at",
                table: "requests",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_target_assignment_id",
                table: "requests",
                column: "target_assignment_id");

            migrationBuilder.CreateIndex(
                name: "ix_role_settings_change_seq",
                table: "role_settings",
                column: "change_seq");

            migrationBuilder.CreateIndex(
                name: "ix_role_settings_role_id_scope",
                table: "role_settings",
                columns: new[] { "role_id", "scope" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_roles_change_seq",
                table: "roles",
                column: "change_seq");

            migrationBuilder.CreateIndex(
                name: "ix_roles_normalized_name",
                table: "roles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_setup_secrets_principal_id",
                table: "setup_secrets",
                column: "principal_id");

            migrationBuilder.CreateIndex(
                name: "ix_setup_secrets_secret_hash",
                table: "setup_secrets",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tokens_change_seq",
                table: "tokens",
                column: "change_seq");

            migrationBuilder.CreateIndex(
                name: "ix_tokens_principal_id_created_at",
                table: "tokens",
                columns: new[] { "principal_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_tokens_secret_hash",
                table: "tokens",
                column: "secret_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assignments");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "audit_head");

            migrationBuilder.DropTable(
                name: "group_memberships");

            migrationBuilder.DropTable(
                name: "requests");

            migrationBuilder.DropTable(
                name: "role_settings");

            migrationBuilder.DropTable(
                name: "setup_secrets");

            migrationBuilder.DropTable(
                name: "tokens");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "principals");
        }
    }
}
