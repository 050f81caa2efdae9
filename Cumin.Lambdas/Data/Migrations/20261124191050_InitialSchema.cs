using System;
using System.Numerics;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cumin.Lambdas.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "aggregator_deleted_projects",
                columns: table => new
                {
                    project_id = table.Column<string>(type: "text", nullable: false),
                    sequence_number = table.Column<BigInteger>(type: "numeric(40,0)", nullable: false),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_aggregator_deleted_projects", x => x.project_id);
                });

            migrationBuilder.CreateTable(
                name: "aggregator_task_ledger",
                columns: table => new
                {
                    project_id = table.Column<string>(type: "text", nullable: false),
                    task_id = table.Column<string>(type: "text", nullable: false),
                    last_sequence_number = table.Column<BigInteger>(type: "numeric(40,0)", nullable: false),
                    counted_status = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_aggregator_task_ledger", x => new { x.project_id, x.task_id });
                });

            migrationBuilder.CreateTable(
                name: "project_status_counts",
                columns: table => new
                {
                    project_id = table.Column<string>(type: "text", nullable: false),
                    todo = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    in_progress = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    done = table.Column<int>(type: "integer", nullable: false, defaultValue: 0)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_project_status_counts", x => x.project_id);
                });

            migrationBuilder.CreateTable(
                name: "stream_checkpoints",
                columns: table => new
                {
                    consumer = table.Column<string>(type: "text", nullable: false),
                    stream_arn = table.Column<string>(type: "text", nullable: false),
                    shard_id = table.Column<string>(type: "text", nullable: false),
                    sequence_number = table.Column<string>(type: "text", nullable: true),
                    finished = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stream_checkpoints", x => new { x.consumer, x.stream_arn, x.shard_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_aggregator_deleted_projects_deleted_at",
                table: "aggregator_deleted_projects",
                column: "deleted_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "aggregator_deleted_projects");

            migrationBuilder.DropTable(
                name: "aggregator_task_ledger");

            migrationBuilder.DropTable(
                name: "project_status_counts");

            migrationBuilder.DropTable(
                name: "stream_checkpoints");
        }
    }
}
