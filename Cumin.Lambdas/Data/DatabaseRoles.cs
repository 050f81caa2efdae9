using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cumin.Lambdas.Data;

/// <summary>
/// Configuration section <c>Cumin:Database:Roles</c>: a login role per component, made by <c>migrate</c> (which runs as
/// the database's owner) when their passwords are given, as in AWS; left out locally, where every program uses one user.
/// </summary>
public sealed partial class DatabaseRolesOptions
{
    public const string SectionName = "Cumin:Database:Roles";

    public string SiloRole { get; set; } = "cumin_silo";

    public string? SiloPassword { get; set; }

    public string ApiRole { get; set; } = "cumin_api";

    public string? ApiPassword { get; set; }

    public string AggregatorRole { get; set; } = "cumin_aggregator";

    public string? AggregatorPassword { get; set; }

    public bool IsConfigured => SiloPassword is { Length: > 0 } && ApiPassword is { Length: > 0 } && AggregatorPassword is { Length: > 0 };

    internal IEnumerable<string> Names => [SiloRole, ApiRole, AggregatorRole];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    internal static partial Regex RoleName();
}

/// <summary>
/// Least privilege in PostgreSQL, one role per component, each able to do what its program does and nothing else:
/// <list type="bullet">
/// <item>the aggregator reads and writes its counts, ledger and deleted-project markers;</item>
/// <item>the webhook deliverer (on the aggregator's role) writes the deliveries log;</item>
/// <item>the API reads the counts, the deliveries log and the cluster membership (the gateways);</item>
/// <item>the silos own the membership tables, which the first silo creates (Cumin.Clustering applies that schema): they
/// may create tables in the schema, and whatever they create the API may read.</item>
/// </list>
/// No role but the owner may create anything else, and none reads another's tables. Idempotent: every release's
/// <c>migrate</c> runs it again (a changed password is set again).
/// </summary>
public static class DatabaseRoles
{
    private static readonly string[] AggregatorTables = ["project_status_counts", "aggregator_task_ledger", "aggregator_deleted_projects"];

    /// <summary>The webhook deliverer's log, written with the aggregator's role (both are the Lambdas') and read by the API.</summary>
    private static readonly string[] WebhookTables = ["webhook_deliveries", "webhook_suspensions"];

    private static readonly string[] MembershipTables = ["orleans_membership_version", "orleans_membership", "orleansquery", "cumin_schema_versions"];

    public static async Task ApplyAsync(LambdasDbContext db, DatabaseRolesOptions roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Names.FirstOrDefault(name => !DatabaseRolesOptions.RoleName().IsMatch(name)) is { } bad)
        {
            throw new InvalidOperationException($"{DatabaseRolesOptions.SectionName}: '{bad}' is not a plain PostgreSQL role name.");
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var database = (string)(await new NpgsqlCommand("SELECT current_database()", connection, transaction).ExecuteScalarAsync(cancellationToken))!;
        var (silo, api, aggregator) = (roles.SiloRole, roles.ApiRole, roles.AggregatorRole);
        var statements = new List<string>();
        foreach (var (role, password) in new[] { (silo, roles.SiloPassword!), (api, roles.ApiPassword!), (aggregator, roles.AggregatorPassword!) })
        {
            statements.Add($"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role}; END IF; END $$");
            // Utility statements take no parameters; the password is a quoted literal.
            statements.Add($"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'");
            statements.Add($"GRANT CONNECT ON DATABASE \"{database}\" TO {role}");
            statements.Add($"GRANT USAGE ON SCHEMA public TO {role}");
        }

        statements.Add("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        statements.Add($"GRANT CREATE ON SCHEMA public TO {silo}");
        statements.Add($"GRANT SELECT, INSERT, UPDATE, DELETE ON {string.Join(", ", AggregatorTables)} TO {aggregator}");
        statements.Add($"GRANT SELECT ON project_status_counts TO {api}");
        statements.Add($"GRANT SELECT, INSERT, UPDATE ON {string.Join(", ", WebhookTables)} TO {aggregator}");
        statements.Add($"GRANT SELECT ON {string.Join(", ", WebhookTables)} TO {api}");
        // What the silos create later (the membership schema) the API may read; the owner must be a member to say so.
        statements.Add($"GRANT {silo} TO CURRENT_USER");
        statements.Add($"ALTER DEFAULT PRIVILEGES FOR ROLE {silo} IN SCHEMA public GRANT SELECT ON TABLES TO {api}");
        // Membership tables made before the roles existed (by the owner): the silos take them over.
        foreach (var table in MembershipTables)
        {
            statements.Add($"DO $$ BEGIN IF to_regclass('public.{table}') IS NOT NULL THEN "
                + $"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {silo}; GRANT SELECT ON {table} TO {api}; END IF; END $$");
        }

        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
