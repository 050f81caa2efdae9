namespace Cumin.Api.Projects;

/// <summary>Reads the status counts the aggregator keeps in PostgreSQL.</summary>
public interface IProjectCounts
{
    /// <summary>
    /// Counts for each id, in one query; projects with no tasks counted yet get zeros. Null while the store cannot be
    /// reached: counts are a view that may trail anyway (API.md), so their absence must not fail the answer around them.
    /// </summary>
    Task<IReadOnlyDictionary<string, StatusCounts>?> GetAsync(IReadOnlyCollection<string> projectIds, CancellationToken cancellationToken);
}
