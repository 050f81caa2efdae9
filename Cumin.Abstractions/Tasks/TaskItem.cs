namespace Cumin.Tasks;

/// <summary>Where a task stands. Travels as <c>todo</c>, <c>in_progress</c>, <c>done</c>.</summary>
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

/// <summary>One task as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task")]
public sealed record TaskItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string Title,
    [property: Id(3)] string? Description,
    [property: Id(4)] TaskItemStatus Status,
    [property: Id(5)] TaskPriority Priority,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] long Version);

/// <summary>A new task. Validated at the edge (API) and again by the grain.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task-draft")]
public sealed record TaskDraft(
    [property: Id(0)] string Title,
    [property: Id(1)] string? Description,
    [property: Id(2)] TaskItemStatus Status,
    [property: Id(3)] TaskPriority Priority);

/// <summary>A partial update: null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task-patch")]
public sealed record TaskPatch(
    [property: Id(0)] string? Title,
    [property: Id(1)] string? Description,
    [property: Id(2)] TaskItemStatus? Status,
    [property: Id(3)] TaskPriority? Priority);

/// <summary>A page of a project's tasks, oldest first; <see cref="NextCursor"/> is null on the last page.</summary>
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
}
