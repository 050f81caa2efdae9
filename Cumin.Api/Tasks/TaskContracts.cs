using System.ComponentModel.DataAnnotations;
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
}

public sealed record UpdateTaskRequest
{
    [StringLength(TaskLimits.TitleMax, MinimumLength = 1)]
    public string? Title { get; init; }

    [StringLength(TaskLimits.DescriptionMax)]
    public string? Description { get; init; }

    public TaskItemStatus? Status { get; init; }

    public TaskPriority? Priority { get; init; }
}

public sealed record TaskList(IReadOnlyList<TaskItem> Items, string? NextCursor);
