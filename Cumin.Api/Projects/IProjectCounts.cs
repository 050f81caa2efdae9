namespace Cumin.Api.Projects;

/// <summary>Reads the status counts the aggregator keeps in PostgreSQL.</summary>
public interface IProjectCounts
{
    /// <summary>Counts for each id, in one query; projects with no tasks counted yet get zeros.</summary>
    Task<IReadOnlyDictionary<string, StatusCounts>> GetAsync(IReadOnlyCollection<string> projectIds, CancellationToken cancellationToken);
}
