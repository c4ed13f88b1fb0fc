using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Elevate.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class ReviewAppliesAs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "applies_as_id",
                table: "access_reviews",
                type: "uuid",
                nullable: true);

            // Reviews written before: their creator wrote the definition.
            migrationBuilder.Sql("UPDATE access_reviews SET applies_as_id = created_by_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "applies_as_id",
                table: "access_reviews");
        }
    }
}
