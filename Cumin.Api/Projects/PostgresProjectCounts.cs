using Npgsql;

namespace Cumin.Api.Projects;

/// <summary>Counts written by the aggregator Lambda (Cumin.Lambdas), read in one query for any number of projects.</summary>
public sealed partial class PostgresProjectCounts(NpgsqlDataSource dataSource, ILogger<PostgresProjectCounts> logger) : IProjectCounts
{
    public async Task<IReadOnlyDictionary<string, StatusCounts>?> GetAsync(IReadOnlyCollection<string> projectIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, StatusCounts>(projectIds.Count);
        if (projectIds.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand(
            "SELECT project_id, todo, in_progress, done FROM project_status_counts WHERE project_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = projectIds.ToArray() });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result[reader.GetString(0)] = new StatusCounts(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The aggregator has not created its schema yet: nothing has been counted.
        }
        catch (NpgsqlException e) when ((e is not PostgresException || e.IsTransient) && !cancellationToken.IsCancellationRequested)
        {
            // Not reachable (refused, reset, timed out, shutting down): the answer goes out without counts.
            LogCountsUnavailable(logger, e);
            return null;
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL cannot be reached; answering without counts")]
    private static partial void LogCountsUnavailable(ILogger logger, Exception exception);
}
