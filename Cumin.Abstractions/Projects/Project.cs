using Cumin.Tasks;

namespace Cumin.Projects;

/// <summary>Travels as <c>owner</c>, <c>editor</c>, <c>viewer</c>.</summary>
[GenerateSerializer, Alias("cumin.project-role")]
public enum ProjectRole
{
    Viewer,
    Editor,
    Owner,
}

/// <summary>A project as one of its members sees it (<see cref="Role"/> is theirs).</summary>
[GenerateSerializer, Immutable, Alias("cumin.project")]
public sealed record ProjectView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] string OwnerId,
    [property: Id(4)] ProjectRole Role,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("cumin.project-draft")]
public sealed record ProjectDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description);

/// <summary>A partial update: null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("cumin.project-patch")]
public sealed record ProjectPatch(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Description);

[GenerateSerializer, Immutable, Alias("cumin.member")]
public sealed record Member(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] ProjectRole Role);

/// <summary>
/// What task grains need from their project to answer reads without asking it each time: every member's role, and the
/// ids of the project's labels. The project tells each holder about every later change, so a remembered context is
/// never out of date; a task shows neither an assignee who is no longer a member nor a label that no longer exists.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.project-context")]
public sealed record ProjectContext(
    [property: Id(0)] IReadOnlyDictionary<string, ProjectRole> Roles,
    [property: Id(1)] IReadOnlySet<string> LabelIds)
{
    /// <summary>The role of <paramref name="userId"/>, or null when they are not a member.</summary>
    public ProjectRole? RoleOf(string userId) => Roles.TryGetValue(userId, out var role) ? role : null;

    /// <summary><paramref name="task"/> as readers must see it: without a departed assignee or a deleted label (the same instance when it has neither).</summary>
    public TaskItem Mask(TaskItem task)
    {
        var staleAssignee = task.AssigneeId is { } assignee && !Roles.ContainsKey(assignee);
        var staleLabels = task.LabelIds.Any(id => !LabelIds.Contains(id));
        return staleAssignee || staleLabels
            ? task with
            {
                AssigneeId = staleAssignee ? null : task.AssigneeId,
                LabelIds = staleLabels ? [.. task.LabelIds.Where(LabelIds.Contains)] : task.LabelIds,
            }
            : task;
    }
}

/// <summary>
/// What a task grain asks its project to allow, and where a rank is needed to decide, before it writes: the project
/// checks the caller's role (<see cref="Permissions"/>), that an assignee is a member and labels are the project's, and
/// picks the rank from the board it keeps (so concurrent moves are decided one after another and never collide).
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.task-change")]
public sealed record TaskChange
{
    [Id(0)]
    public ProjectAction Action { get; init; }

    /// <summary>The task's column now; null when it is being created.</summary>
    [Id(1)]
    public TaskItemStatus? From { get; init; }

    /// <summary>The task's column after the change.</summary>
    [Id(2)]
    public TaskItemStatus To { get; init; }

    /// <summary>A new rank is needed: at the end of <see cref="To"/>, or next to <see cref="AfterId"/> / <see cref="BeforeId"/>.</summary>
    [Id(3)]
    public bool Place { get; init; }

    [Id(4)]
    public string? AfterId { get; init; }

    [Id(5)]
    public string? BeforeId { get; init; }

    /// <summary>An assignee being set (validated as a member).</summary>
    [Id(6)]
    public string? AssigneeId { get; init; }

    /// <summary>Labels being set (validated as the project's).</summary>
    [Id(7)]
    public IReadOnlyList<string>? LabelIds { get; init; }

    /// <summary>Whether the caller wrote the comment the action is about.</summary>
    [Id(8)]
    public bool IsAuthor { get; init; }
}

/// <summary>The project's answer to a <see cref="TaskChange"/>: the rank to write (null: keep it) and the context to write against.</summary>
[GenerateSerializer, Immutable, Alias("cumin.task-change-plan")]
public sealed record TaskChangePlan(
    [property: Id(0)] string? Rank,
    [property: Id(1)] ProjectContext Context);

/// <summary>The bounds of API.md for projects, shared by the API's validation and the grains' own checks.</summary>
public static class ProjectLimits
{
    public const int NameMax = 200;
    public const int DescriptionMax = 2000;

    /// <summary>Members of one project, the owner included.</summary>
    public const int MembersMax = 500;

    /// <summary>Tasks of one project.</summary>
    public const int TasksMax = 100_000;

    /// <summary>Labels of one project.</summary>
    public const int LabelsMax = 100;
}
