namespace Cumin;

/// <summary>
/// Task statuses as they travel (JSON) and are stored (DynamoDB <c>S</c> attributes), in board order: a project's board
/// lists its columns in this order.
/// </summary>
public static class TaskStatusNames
{
    public const string Todo = "todo";
    public const string InProgress = "in_progress";
    public const string Done = "done";

    /// <summary>In board order, which is also the order of the enumeration's values.</summary>
    public static IReadOnlyList<string> All { get; } = [Todo, InProgress, Done];

    public static bool IsKnown(string? status) => status is Todo or InProgress or Done;
}

/// <summary>Task priorities as they travel and are stored.</summary>
public static class TaskPriorityNames
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";

    public static IReadOnlyList<string> All { get; } = [Low, Medium, High];
}

/// <summary>Member roles as they travel and are stored, from the least to the most allowed.</summary>
public static class ProjectRoleNames
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string Owner = "owner";

    public static IReadOnlyList<string> All { get; } = [Viewer, Editor, Owner];
}

/// <summary>Export job statuses as they travel and are stored.</summary>
public static class ExportStatusNames
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Running, Done, Failed];
}
