using Cumin.Clustering.Postgres;
using Cumin.Lambdas.Data;
using Cumin.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cumin.Cluster.Tests;

/// <summary>
/// Issue 12, finding 16: `migrate` gives each component its own least-privilege PostgreSQL role. On a real PostgreSQL:
/// the silo's role creates the membership schema at its start, and each role can do what its program does and is
/// refused everything else.
/// </summary>
public sealed class DatabaseRolesTests
{
    private const string PermissionDenied = "42501";

    [Fact]
    public async Task Each_component_can_do_its_own_work_and_nothing_else()
    {
        var owner = await LocalStack.CreateDatabaseAsync("roles");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var roles = new DatabaseRolesOptions
        {
            SiloRole = $"silo_{suffix}",
            SiloPassword = "silo-'quoted'-" + Guid.NewGuid().ToString("N"),
            ApiRole = $"api_{suffix}",
            ApiPassword = Guid.NewGuid().ToString("N"),
            AggregatorRole = $"aggregator_{suffix}",
            AggregatorPassword = Guid.NewGuid().ToString("N"),
        };
        await using (var db = new LambdasDbContext(new DbContextOptionsBuilder<LambdasDbContext>().UseNpgsql(owner).Options))
        {
            await db.Database.MigrateAsync();
            await DatabaseRoles.ApplyAsync(db, roles);
            // Every release runs it again.
            await DatabaseRoles.ApplyAsync(db, roles);
        }

        var silo = As(owner, roles.SiloRole, roles.SiloPassword);
        var api = As(owner, roles.ApiRole, roles.ApiPassword);
        var aggregator = As(owner, roles.AggregatorRole, roles.AggregatorPassword);

        // The first silo to start creates the membership tables, as its own.
        await new PostgresClusteringSchema(silo, NullLogger<PostgresClusteringSchema>.Instance).EnsureAsync(TimeSpan.FromSeconds(30));
        await ExecuteAsync(silo, "INSERT INTO orleans_membership_version (deployment_id) VALUES ('roles-test')");

        await ExecuteAsync(aggregator, "INSERT INTO project_status_counts (project_id, todo, in_progress, done) VALUES ('p1', 1, 0, 0)");
        await ExecuteAsync(aggregator, "UPDATE project_status_counts SET done = 1 WHERE project_id = 'p1'");
        await ExecuteAsync(aggregator, "DELETE FROM aggregator_task_ledger");
        // The webhook deliverer, on the same role: its log and suspensions.
        await ExecuteAsync(aggregator, "INSERT INTO webhook_deliveries (id, webhook_id, project_id, event_id, type, at, attempt, ok, duration_ms) VALUES ('d1', 'w1', 'p1', 'e1', 'ping', now(), 1, true, 5)");
        await ExecuteAsync(aggregator, "INSERT INTO webhook_suspensions (webhook_id, project_id, suspended_at) VALUES ('w1', 'p1', now()) ON CONFLICT (webhook_id) DO UPDATE SET suspended_at = excluded.suspended_at");
        await RefusedAsync(aggregator, "SELECT * FROM orleans_membership");
        await RefusedAsync(aggregator, "CREATE TABLE stolen (x int)");

        await ExecuteAsync(api, "SELECT * FROM project_status_counts");
        await ExecuteAsync(api, "SELECT * FROM orleans_membership_version");
        await ExecuteAsync(api, "SELECT * FROM orleansquery");
        await ExecuteAsync(api, "SELECT * FROM webhook_deliveries JOIN webhook_suspensions USING (webhook_id)");
        await RefusedAsync(api, "DELETE FROM webhook_deliveries");
        await RefusedAsync(api, "UPDATE project_status_counts SET todo = 99");
        await RefusedAsync(api, "DELETE FROM orleans_membership_version");
        await RefusedAsync(api, "SELECT * FROM aggregator_task_ledger");
        await RefusedAsync(api, "CREATE TABLE stolen (x int)");

        await RefusedAsync(silo, "SELECT * FROM project_status_counts");
        await RefusedAsync(silo, "SELECT * FROM \"__EFMigrationsHistory\"");
    }

    private static string As(string owner, string role, string password) =>
        new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = password, Pooling = false }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task RefusedAsync(string connectionString, string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connectionString, sql));
        Assert.True(refused.SqlState == PermissionDenied, $"{sql}: {refused.SqlState} {refused.MessageText}");
    }
}
