using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cumin.Clustering.Postgres;

/// <summary>
/// Creates and upgrades the membership schema Orleans's ADO.NET clustering reads (tables, functions and the named
/// queries in <c>OrleansQuery</c>), idempotently. Silos and API instances all call it before they first touch the
/// membership table, in any order and at the same time: a transaction-scoped advisory lock makes them take turns, the
/// applied version is recorded in <c>cumin_schema_versions</c>, and the queries are upserted only where they differ.
/// </summary>
public sealed partial class PostgresClusteringSchema
{
    /// <summary>The row in <c>cumin_schema_versions</c> that records this schema's version.</summary>
    public const string Component = "orleans-clustering";

    /// <summary>Any constant both sides agree on; "cumin-orleans-clustering" in ASCII, truncated.</summary>
    internal const long AdvisoryLockKey = 0x63756D696E6F636CL;

    private const string ResourcePrefix = "Cumin.Clustering.Sql/";

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private Task? _applying;

    public PostgresClusteringSchema(string connectionString, ILogger<PostgresClusteringSchema> logger, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The migrations shipped in this assembly, in order (file names <c>NNNN_name.sql</c>).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>The named queries Orleans's ADO.NET clustering reads, by query key (file names are the keys).</summary>
    public static IReadOnlyDictionary<string, string> Queries { get; } = LoadQueries();

    /// <summary>The version this code brings the schema to.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>
    /// Applies what is missing, retrying while PostgreSQL is unreachable (containers start in any order) until
    /// <paramref name="retryFor"/> has passed. Once it succeeded in this process it returns at once.
    /// </summary>
    public Task EnsureAsync(TimeSpan retryFor, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // One application per process at a time; a failed or cancelled one is tried afresh by the next caller.
            if (_applying is null || _applying.IsFaulted || _applying.IsCanceled)
            {
                _applying = ApplyWithRetriesAsync(retryFor, cancellationToken);
            }

            return _applying.WaitAsync(cancellationToken);
        }
    }

    private async Task ApplyWithRetriesAsync(TimeSpan retryFor, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetUtcNow() + retryFor;
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && _timeProvider.GetUtcNow() + delay < deadline)
            {
                LogRetrying(_logger, attempt, delay, e.Message);
                await Task.Delay(delay, _timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS cumin_schema_versions
            (
                component  text        NOT NULL PRIMARY KEY,
                version    integer     NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        int current;
        await using (var read = new NpgsqlCommand("SELECT version FROM cumin_schema_versions WHERE component = @component", connection, transaction))
        {
            read.Parameters.AddWithValue("component", Component);
            current = await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
        }

        if (current > LatestVersion)
        {
            // A newer release (a rolling deployment) migrated this database and owns the queries now; its schema
            // stays usable by us because migrations only add.
            LogNewerSchema(_logger, current, LatestVersion);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        foreach (var (version, name, sql) in Migrations.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await using var record = new NpgsqlCommand("""
                INSERT INTO cumin_schema_versions (component, version, applied_at) VALUES (@component, @version, now())
                ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, applied_at = EXCLUDED.applied_at
                """, connection, transaction);
            record.Parameters.AddWithValue("component", Component);
            record.Parameters.AddWithValue("version", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogMigrated(_logger, version, name);
        }

        var changed = 0;
        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text)
                ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
                WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText
                """, connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            changed += await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogReady(_logger, LatestVersion, changed);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        const string folder = ResourcePrefix + "Migrations/";
        var migrations = ResourceNames(folder)
            .Select(resource =>
            {
                var file = resource[folder.Length..];
                var separator = file.IndexOf('_', StringComparison.Ordinal);
                var version = int.Parse(file[..separator], System.Globalization.CultureInfo.InvariantCulture);
                return (version, Path.GetFileNameWithoutExtension(file), Read(resource));
            })
            .OrderBy(m => m.version)
            .ToList();
        if (migrations.Count == 0 || migrations.Select(m => m.version).Distinct().Count() != migrations.Count)
        {
            throw new InvalidOperationException("The clustering migrations must be numbered uniquely.");
        }

        return migrations;
    }

    private static Dictionary<string, string> LoadQueries()
    {
        const string folder = ResourcePrefix + "Queries/";
        return ResourceNames(folder).ToDictionary(
            resource => Path.GetFileNameWithoutExtension(resource[folder.Length..]),
            resource => StripComments(Read(resource)),
            StringComparer.Ordinal);
    }

    /// <summary>Comment lines explain the query to a reader of the file; the stored text is only the statement.</summary>
    private static string StripComments(string sql) =>
        string.Join('\n', sql.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim();

    private static IEnumerable<string> ResourceNames(string folder) =>
        typeof(PostgresClusteringSchema).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(folder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Read(string resource)
    {
        using var stream = typeof(PostgresClusteringSchema).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Orleans clustering schema migrated to version {Version} ({Name})")]
    private static partial void LogMigrated(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Orleans clustering schema at version {Version}; {Changed} named queries installed or updated")]
    private static partial void LogReady(ILogger logger, int version, int changed);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "PostgreSQL is not reachable for the clustering schema (attempt {Attempt}); retrying in {Delay}: {Error}")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The clustering schema is at version {Version}, newer than this build's {Latest}; leaving it as it is")]
    private static partial void LogNewerSchema(ILogger logger, int version, int latest);
}
