using System.Text.Json.Serialization;
using Cumin.Tasks;

namespace Cumin.Grains.Tasks;

/// <summary>
/// A task as stored: one item of the <c>tasks</c> table (pk project id, sk task id) whose attributes are these
/// properties (names in <see cref="TaskAttributes"/>), so the stream functions, the indexes and the exporter read them
/// as native values. Members with no value are left out of the item rather than stored as NULL: an index key
/// attribute must be a string or absent, and absent keeps the task out of the assignee index.
/// </summary>
public sealed class TaskState
{
    [JsonPropertyName(TaskAttributes.Id)]
    public string Id { get; set; } = "";

    [JsonPropertyName(TaskAttributes.ProjectId)]
    public string ProjectId { get; set; } = "";

    [JsonPropertyName(TaskAttributes.Title)]
    public string Title { get; set; } = "";

    [JsonPropertyName(TaskAttributes.Description), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }

    [JsonPropertyName(TaskAttributes.Status)]
    public TaskItemStatus Status { get; set; }

    [JsonPropertyName(TaskAttributes.Priority)]
    public TaskPriority Priority { get; set; }

    [JsonPropertyName(TaskAttributes.AssigneeId), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AssigneeId { get; set; }

    [JsonPropertyName(TaskAttributes.DueDate), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? DueDate { get; set; }

    [JsonPropertyName(TaskAttributes.LabelIds)]
    public List<string> LabelIds { get; set; } = [];

    [JsonPropertyName(TaskAttributes.Rank)]
    public string Rank { get; set; } = "";

    [JsonPropertyName(TaskAttributes.CommentCount)]
    public int CommentCount { get; set; }

    [JsonPropertyName(TaskAttributes.CreatedAt)]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName(TaskAttributes.CreatedBy)]
    public string CreatedBy { get; set; } = "";

    [JsonPropertyName(TaskAttributes.UpdatedAt)]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName(TaskAttributes.UpdatedBy)]
    public string UpdatedBy { get; set; } = "";

    /// <summary>Set only in the stamp written just before the item is deleted (<see cref="TaskAttributes.DeletedBy"/>).</summary>
    [JsonPropertyName(TaskAttributes.DeletedBy), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeletedBy { get; set; }

    [JsonPropertyName(TaskAttributes.Version)]
    public long Version { get; set; }

    /// <summary>Sort key of the board index: column, then rank. Written, never read back.</summary>
    [JsonPropertyName(TaskAttributes.BoardKey)]
    public string BoardKey => TaskIndexes.BoardKeyOf(WireNames.Of(Status), Rank);

    /// <summary>Sort key of the assignee index, only with an assignee. Written, never read back.</summary>
    [JsonPropertyName(TaskAttributes.AssigneeKey), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AssigneeKey => AssigneeId is null ? null : TaskIndexes.AssigneeKeyOf(DueDateText, Id);

    private string? DueDateText => DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public TaskItem ToItem() => new(
        Id, ProjectId, Title, Description, Status, Priority, AssigneeId, DueDate, [.. LabelIds], Rank, CommentCount,
        CreatedAt, CreatedBy, UpdatedAt, UpdatedBy, Version);

    /// <summary>A copy that shares nothing mutable: every field is a value or immutable but the label list.</summary>
    public TaskState Copy()
    {
        var copy = (TaskState)MemberwiseClone();
        copy.LabelIds = [.. LabelIds];
        return copy;
    }
}
