using System.ComponentModel.DataAnnotations;
using Cumin.Primitives;
using Cumin.Tasks;

namespace Cumin.Api.Tasks;

public sealed record CreateTaskRequest
{
    [Required, StringLength(TaskLimits.TitleMax, MinimumLength = 1)]
    public string? Title { get; init; }

    [StringLength(TaskLimits.DescriptionMax)]
    public string? Description { get; init; }

    public TaskItemStatus? Status { get; init; }

    public TaskPriority? Priority { get; init; }

    /// <summary>A member's user id.</summary>
    [StringLength(64)]
    public string? AssigneeId { get; init; }

    public DateOnly? DueDate { get; init; }

    [MaxLength(TaskLimits.LabelsMax)]
    public IReadOnlyList<string>? LabelIds { get; init; }
}

/// <summary>
/// API.md's PATCH: a member left out stays as it is; <c>null</c> clears <c>description</c>, <c>assigneeId</c> and
/// <c>dueDate</c> and is refused for the others; <c>labelIds</c> replaces the set. <see cref="Optional{T}"/> tells a
/// member left out from one given as null; the endpoint validates them (TaskRequests.Validate).
/// </summary>
public sealed record UpdateTaskRequest
{
    public Optional<string?> Title { get; init; }

    public Optional<string?> Description { get; init; }

    public Optional<TaskItemStatus?> Status { get; init; }

    public Optional<TaskPriority?> Priority { get; init; }

    public Optional<string?> AssigneeId { get; init; }

    public Optional<DateOnly?> DueDate { get; init; }

    public Optional<IReadOnlyList<string>?> LabelIds { get; init; }
}

/// <summary>Where to put a task: directly after <see cref="AfterId"/>, or directly before <see cref="BeforeId"/>, in column <see cref="Status"/> (default its own); with neither, at its end.</summary>
public sealed record MoveTaskRequest
{
    public TaskItemStatus? Status { get; init; }

    [StringLength(64)]
    public string? AfterId { get; init; }

    [StringLength(64)]
    public string? BeforeId { get; init; }
}

public sealed record TaskList(IReadOnlyList<TaskItem> Items, string? NextCursor);
