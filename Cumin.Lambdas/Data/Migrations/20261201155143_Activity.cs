using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Cumin.Lambdas.Data.Migrations
{
    /// <inheritdoc />
    public partial class Activity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "activity_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    project_id = table.Column<string>(type: "text", nullable: false),
                    task_id = table.Column<string>(type: "text", nullable: true),
                    actor_id = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    changes = table.Column<string>(type: "jsonb", nullable: false),
                    event_id = table.Column<string>(type: "text", nullable: false),
                    ordinal = table.Column<short>(type: "smallint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activity_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "activity_projects",
                columns: table => new
                {
                    project_id = table.Column<string>(type: "text", nullable: false),
                    entries = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    trimmed_through = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activity_projects", x => x.project_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_activity_entries_event_id_ordinal",
                table: "activity_entries",
                columns: new[] { "event_id", "ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_activity_entries_project_id_at_id",
                table: "activity_entries",
                columns: new[] { "project_id", "at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "IX_activity_entries_project_id_task_id_at_id",
                table: "activity_entries",
                columns: new[] { "project_id", "task_id", "at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "IX_activity_projects_deleted_at",
                table: "activity_projects",
                column: "deleted_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "activity_entries");

            migrationBuilder.DropTable(
                name: "activity_projects");
        }
    }
}
