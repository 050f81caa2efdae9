namespace Cumin.Lambdas.Aggregation;

/// <summary>The task statuses as stored on task items (enums as lower snake_case strings).</summary>
public static class TaskStatuses
{
    public const string Todo = "todo";
    public const string InProgress = "in_progress";
    public const string Done = "done";

    public static bool IsKnown(string? status) => status is Todo or InProgress or Done;
}
