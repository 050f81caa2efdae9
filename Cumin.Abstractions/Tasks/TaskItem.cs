using Cumin.Primitives;

namespace Cumin.Tasks;

/// <summary>Where a task stands. Travels as <c>todo</c>, <c>in_progress</c>, <c>done</c> (<see cref="TaskStatusNames"/>); its column on the board.</summary>
[GenerateSerializer, Alias("cumin.task-status")]
public enum TaskItemStatus
{
    Todo,
    InProgress,
    Done,
}

/// <summary>Travels as <c>low</c>, <c>medium</c>, <c>high</c>.</summary>
[GenerateSerializer, Alias("cumin.task-priority")]
public enum TaskPriority
{
    Low,
    Medium,
    High,
}

/// <summary>
/// One task as the API shows it, members in API.md's order. <see cref="Rank"/> orders it within its column (ordinal);
/// <see cref="CreatedBy"/> and <see cref="UpdatedBy"/> are user ids; <see cref="Version"/> is what <c>If-Match</c> names.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.task")]
public sealed record TaskItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string Title,
    [property: Id(3)] string? Description,
    [property: Id(4)] TaskItemStatus Status,
    [property: Id(5)] TaskPriority Priority,
    [property: Id(9)] string? AssigneeId,
    [property: Id(10)] DateOnly? DueDate,
    [property: Id(11)] IReadOnlyList<string> LabelIds,
    [property: Id(12)] string Rank,
    [property: Id(13)] int CommentCount,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(14)] string CreatedBy,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(15)] string UpdatedBy,
    [property: Id(8)] long Version);

/// <summary>A new task. Validated at the edge (API) and again by the grain and its project.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task-draft")]
public sealed record TaskDraft(
    [property: Id(0)] string Title,
    [property: Id(1)] string? Description,
    [property: Id(2)] TaskItemStatus Status,
    [property: Id(3)] TaskPriority Priority,
    [property: Id(4)] string? AssigneeId = null,
    [property: Id(5)] DateOnly? DueDate = null,
    [property: Id(6)] IReadOnlyList<string>? LabelIds = null);

/// <summary>
/// A partial update (API.md's PATCH): a member left out stays as it is; <see cref="Description"/>,
/// <see cref="AssigneeId"/> and <see cref="DueDate"/> are cleared by a given null; <see cref="LabelIds"/> replaces the set.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.task-patch")]
public sealed record TaskPatch
{
    public static TaskPatch None { get; } = new();

    [Id(0)]
    public string? Title { get; init; }

    [Id(1)]
    public Optional<string?> Description { get; init; }

    [Id(2)]
    public TaskItemStatus? Status { get; init; }

    [Id(3)]
    public TaskPriority? Priority { get; init; }

    [Id(4)]
    public Optional<string?> AssigneeId { get; init; }

    [Id(5)]
    public Optional<DateOnly?> DueDate { get; init; }

    [Id(6)]
    public IReadOnlyList<string>? LabelIds { get; init; }
}

/// <summary>Where <c>POST …/move</c> puts a task: directly after or before a neighbour, or at the end, of column <see cref="Status"/>.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task-move")]
public sealed record TaskMove(
    [property: Id(0)] TaskItemStatus? Status,
    [property: Id(1)] string? AfterId,
    [property: Id(2)] string? BeforeId);

/// <summary>How a task list is ordered: oldest first, or the board's order (column by column, then rank).</summary>
[GenerateSerializer, Alias("cumin.task-order")]
public enum TaskOrder
{
    Created,
    Rank,
}

/// <summary>One request of a project's task list (API.md's filters, combinable); null members do not filter.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task-query")]
public sealed record TaskQuery
{
    [Id(0)]
    public TaskItemStatus? Status { get; init; }

    /// <summary>A user id, or <see cref="Unassigned"/>.</summary>
    [Id(1)]
    public string? AssigneeId { get; init; }

    [Id(2)]
    public string? LabelId { get; init; }

    /// <summary>Tasks due on or before this date.</summary>
    [Id(3)]
    public DateOnly? DueBefore { get; init; }

    /// <summary>A case-insensitive substring of the title.</summary>
    [Id(4)]
    public string? Text { get; init; }

    [Id(5)]
    public TaskOrder Order { get; init; }

    [Id(6)]
    public int Limit { get; init; } = TaskLimits.PageDefault;

    [Id(7)]
    public string? Cursor { get; init; }

    /// <summary>The <see cref="AssigneeId"/> that asks for tasks without an assignee.</summary>
    public const string Unassigned = "none";
}

/// <summary>
/// A page of tasks; <see cref="NextCursor"/> is null on the last page. A page may hold fewer items than asked for, even
/// none, while <see cref="NextCursor"/> is not null: the work of one request is bounded.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.task-page")]
public sealed record TaskPage(
    [property: Id(0)] IReadOnlyList<TaskItem> Items,
    [property: Id(1)] string? NextCursor);

/// <summary>The limits of API.md, shared by the API's validation and the grains' own checks.</summary>
public static class TaskLimits
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 5000;
    public const int PageMax = 200;
    public const int PageDefault = 50;

    /// <summary>Labels on one task (more is a 400, as API.md's Limits table says).</summary>
    public const int LabelsMax = 20;

    /// <summary>Comments on one task.</summary>
    public const int CommentsMax = 5000;

    public const int TextQueryMax = 100;
}
