using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AccessReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    normalized_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    definition = table.Column<string>(type: "text", nullable: false),
                    next_start_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_index = table.Column<int>(type: "integer", nullable: false),
                    instances_started = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stopped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_reviews", x => x.id);
                    table.ForeignKey(
                        name: "fk_access_reviews_principals_owner_id",
                        column: x => x.owner_id,
                        principalTable: "principals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_instances",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    definition = table.Column<string>(type: "text", nullable: false),
                    item_count = table.Column<int>(type: "integer", nullable: false),
                    reminder_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    applied_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    apply_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_instances", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_instances_access_reviews_review_id",
                        column: x => x.review_id,
                        principalTable: "access_reviews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    principal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    principal_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    principal_kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    via_group_id = table.Column<Guid>(type: "uuid", nullable: true),
                    via_group_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    scope = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    assignment_starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assignment_ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    recommendation = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    recommendation_reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    stage = table.Column<int>(type: "integer", nullable: false),
                    decision = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    decided_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_by_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decision_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    result = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    result_is_default = table.Column<bool>(type: "boolean", nullable: false),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    outcome_detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    removal_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_items_review_instances_instance_id",
                        column: x => x.instance_id,
                        principalTable: "review_instances",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    stage = table.Column<int>(type: "integer", nullable: false),
                    verdict = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    reviewer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reviewer_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_recommendation = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_decisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_decisions_review_items_item_id",
                        column: x => x.item_id,
                        principalTable: "review_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_item_reviewers",
                columns: table => new
                {
                    item_id = table.Column<Guid>(type: "uuid", nullable: false),
                    stage = table.Column<int>(type: "integer", nullable: false),
                    reviewer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    is_fallback = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_item_reviewers", x => new { x.item_id, x.stage, x.reviewer_id });
                    table.ForeignKey(
                        name: "fk_review_item_reviewers_review_items_item_id",
                        column: x => x.item_id,
                        principalTable: "review_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_access_reviews_normalized_name",
                table: "access_reviews",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_access_reviews_owner_id",
                table: "access_reviews",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_access_reviews_status_next_start_at",
                table: "access_reviews",
                columns: new[] { "status", "next_start_at" });

            migrationBuilder.CreateIndex(
                name: "ix_review_decisions_instance_id_reviewer_id",
                table: "review_decisions",
                columns: new[] { "instance_id", "reviewer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_review_decisions_item_id_stage",
                table: "review_decisions",
                columns: new[] { "item_id", "stage" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_review_instances_apply_at",
                table: "review_instances",
                column: "apply_at");

            migrationBuilder.CreateIndex(
                name: "ix_review_instances_reminder_at",
                table: "review_instances",
                column: "reminder_at");

            migrationBuilder.CreateIndex(
                name: "ix_review_instances_review_id_number",
                table: "review_instances",
                columns: new[] { "review_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_review_instances_status_ends_at",
                table: "review_instances",
                columns: new[] { "status", "ends_at" });

            migrationBuilder.CreateIndex(
                name: "ix_review_item_reviewers_reviewer_id_instance_id",
                table: "review_item_reviewers",
                columns: new[] { "reviewer_id", "instance_id" });

            migrationBuilder.CreateIndex(
                name: "ix_review_items_assignment_id",
                table: "review_items",
                column: "assignment_id");

            migrationBuilder.CreateIndex(
                name: "ix_review_items_instance_id_id",
                table: "review_items",
                columns: new[] { "instance_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "review_decisions");

            migrationBuilder.DropTable(
                name: "review_item_reviewers");

            migrationBuilder.DropTable(
                name: "review_items");

            migrationBuilder.DropTable(
                name: "review_instances");

            migrationBuilder.DropTable(
                name: "access_reviews");
        }
    }
}
