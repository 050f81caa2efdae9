using Cumin.Tasks;

namespace Cumin.Grains.Tasks;

/// <summary>
/// A task as stored: one item of the <c>tasks</c> table (pk project id, sk task id) whose attributes are these
/// properties, so the aggregator and the exporter read <c>status</c> and the rest straight from stream records.
/// </summary>
public sealed class TaskState
{
    public string Id { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    public TaskItemStatus Status { get; set; }

    public TaskPriority Priority { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }

    public TaskItem ToItem() => new(Id, ProjectId, Title, Description, Status, Priority, CreatedAt, UpdatedAt, Version);
}
