namespace Cumin;

/// <summary>
/// The <c>type</c> of a <c>projectEvent</c> (API.md, "Live board"), as the hub sends it and a webhook delivers it
/// (<c>Cumin-Event</c>). The live board (the project grain) and the webhook events (the Lambdas, from the tables'
/// streams) name their events from this one list.
/// </summary>
public static class ProjectEventTypes
{
    public const string TaskCreated = "task.created";
    public const string TaskUpdated = "task.updated";

    /// <summary>Only the task's place changed: its status (column) or its rank within the column.</summary>
    public const string TaskMoved = "task.moved";

    public const string TaskDeleted = "task.deleted";
    public const string CommentCreated = "comment.created";
    public const string CommentUpdated = "comment.updated";
    public const string CommentDeleted = "comment.deleted";
    public const string LabelCreated = "label.created";
    public const string LabelUpdated = "label.updated";
    public const string LabelDeleted = "label.deleted";
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";
    public const string ProjectUpdated = "project.updated";
    public const string ProjectDeleted = "project.deleted";
    public const string CountsUpdated = "counts.updated";

    /// <summary>Only ever delivered to the one webhook that was pinged; never on the hub.</summary>
    public const string Ping = "ping";

    /// <summary>A webhook's <c>events</c> entry that stands for every type.</summary>
    public const string All = "*";

    /// <summary>Every type a watcher or a webhook can receive, in API.md's order.</summary>
    public static IReadOnlyList<string> Each { get; } =
    [
        TaskCreated, TaskUpdated, TaskMoved, TaskDeleted,
        CommentCreated, CommentUpdated, CommentDeleted,
        LabelCreated, LabelUpdated, LabelDeleted,
        MemberAdded, MemberRemoved,
        ProjectUpdated, ProjectDeleted,
        CountsUpdated,
    ];

    public static bool IsKnown(string? type) => type is not null && Each.Contains(type);
}
