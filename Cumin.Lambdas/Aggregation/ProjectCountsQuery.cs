using Npgsql;

namespace Cumin.Lambdas.Aggregation;

/// <summary>A project's task counts by status.</summary>
public sealed record StatusCounts(int Todo, int InProgress, int Done)
{
    public static StatusCounts None { get; } = new(0, 0, 0);

    public int Total => Todo + InProgress + Done;
}

/// <summary>
/// The read side of the aggregator's counts, for the API: counts for many projects in one query, plain Npgsql
/// (no EF Core needed). A project without a row has no tasks (or its counts have not arrived yet) and reads as zeros.
/// The table is written by <see cref="AggregatorFunction"/>; this file depends on nothing else, so it can be copied.
/// </summary>
public sealed class ProjectCountsQuery(NpgsqlDataSource dataSource)
{
    /// <summary>The query, for callers that would rather run it themselves. <c>@ids</c> is a <c>text[]</c>.</summary>
    public const string Sql =
        "SELECT project_id, todo, in_progress, done FROM project_status_counts WHERE project_id = ANY(@ids)";

    /// <summary>Counts for every id asked for (zeros for projects without a row), keyed by project id.</summary>
    public async Task<IReadOnlyDictionary<string, StatusCounts>> GetAsync(
        IReadOnlyCollection<string> projectIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projectIds);
        var result = new Dictionary<string, StatusCounts>(projectIds.Count, StringComparer.Ordinal);
        if (projectIds.Count == 0)
        {
            return result;
        }

        foreach (var id in projectIds)
        {
            result[id] = StatusCounts.None;
        }

        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. result.Keys]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = new StatusCounts(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        }

        return result;
    }
}
