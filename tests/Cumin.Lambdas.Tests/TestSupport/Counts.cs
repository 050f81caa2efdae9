using Cumin.Lambdas.Aggregation;
using Cumin.Testing;
using Npgsql;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>Reads counts the way the API will: through <see cref="ProjectCountsQuery"/>.</summary>
public sealed class Counts(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public async Task<StatusCounts> Of(string projectId) => (await new ProjectCountsQuery(_dataSource).GetAsync([projectId]))[projectId];

    /// <summary>Whether the project has a counts row at all (a deleted project has none).</summary>
    public async Task<bool> HasRow(string projectId)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM project_status_counts WHERE project_id = @id");
        command.Parameters.AddWithValue("id", projectId);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    public async Task<long> LedgerRows(string projectId)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM aggregator_task_ledger WHERE project_id = @id");
        command.Parameters.AddWithValue("id", projectId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public Task<StatusCounts> Until(string projectId, StatusCounts expected) =>
        Eventually.Until(() => Of(projectId), c => c == expected);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
