namespace Cumin.Lambdas.Aggregation;

/// <summary>
/// A project's task counts by status, one row per project (table <c>project_status_counts</c>). One row rather
/// than one per status: the statuses are a closed set of three, a status move is then a single-row atomic
/// update (no window where a task is counted in neither or both), the API reads one row per project, and
/// concurrent batches contend on one row lock per project. A project with no row has no tasks.
/// </summary>
public sealed class ProjectStatusCounts
{
    public required string ProjectId { get; set; }

    public int Todo { get; set; }

    public int InProgress { get; set; }

    public int Done { get; set; }
}
