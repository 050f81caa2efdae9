using System.Globalization;

namespace Cumin;

/// <summary>
/// The attributes of a task item in the <c>tasks</c> table (besides <see cref="KeyAttributes"/>): native DynamoDB
/// values that the grain storage writes and the Lambdas, the catalogs and the indexes read.
/// </summary>
public static class TaskAttributes
{
    public const string Id = "id";
    public const string ProjectId = "projectId";
    public const string Title = "title";

    /// <summary>Left out of the item when there is none.</summary>
    public const string Description = "description";

    /// <summary>One of <see cref="TaskStatusNames"/>.</summary>
    public const string Status = "status";

    /// <summary>One of <see cref="TaskPriorityNames"/>.</summary>
    public const string Priority = "priority";

    /// <summary>A member's user id; left out of the item when the task has no assignee (so it is not in <see cref="TaskIndexes.Assignee"/>).</summary>
    public const string AssigneeId = "assigneeId";

    /// <summary><c>YYYY-MM-DD</c>; left out when there is none.</summary>
    public const string DueDate = "dueDate";

    /// <summary>A list (L) of label ids of the project's labels.</summary>
    public const string LabelIds = "labelIds";

    /// <summary>The task's place in its column: tasks of a column sort by it in ordinal (byte) order.</summary>
    public const string Rank = "rank";

    public const string CommentCount = "commentCount";
    public const string CreatedAt = "createdAt";

    /// <summary>The user who created the task.</summary>
    public const string CreatedBy = "createdBy";

    public const string UpdatedAt = "updatedAt";

    /// <summary>The user whose change this item's image records (the actor, for the activity stream).</summary>
    public const string UpdatedBy = "updatedBy";

    /// <summary>
    /// Written, with <see cref="UpdatedBy"/>, just before the item is deleted: the stream's REMOVE record then carries the
    /// user who deleted it in its old image. A MODIFY whose new image has it is that stamp, not a change of the task.
    /// </summary>
    public const string DeletedBy = "deletedBy";

    /// <summary>The version clients see (<c>ETag</c>, <c>If-Match</c>); not the storage's <see cref="KeyAttributes.ETag"/>.</summary>
    public const string Version = "version";

    /// <summary>Sort key of <see cref="TaskIndexes.Board"/>: <see cref="TaskIndexes.BoardKeyOf"/>.</summary>
    public const string BoardKey = "boardKey";

    /// <summary>Sort key of <see cref="TaskIndexes.Assignee"/>: <see cref="TaskIndexes.AssigneeKeyOf"/>; only with an assignee.</summary>
    public const string AssigneeKey = "assigneeKey";
}

/// <summary>The secondary indexes of the <c>tasks</c> table.</summary>
public static class TaskIndexes
{
    /// <summary>
    /// Local secondary index, sort key <see cref="TaskAttributes.BoardKey"/>: a project's tasks in board order (column by
    /// column in <see cref="TaskStatusNames.All"/> order, then by rank), with every attribute. Strongly consistent.
    /// </summary>
    public const string Board = "board";

    /// <summary>
    /// Global secondary index, partition key <see cref="TaskAttributes.AssigneeId"/>, sort key
    /// <see cref="TaskAttributes.AssigneeKey"/>: a user's assigned tasks across projects, soonest due first, tasks without
    /// a due date last, then oldest first; every attribute. Eventually consistent, as every GSI.
    /// </summary>
    public const string Assignee = "assignee";

    /// <summary>What a due date of none sorts as: after every real date.</summary>
    public const string NoDueDate = "9999-12-31";

    /// <summary>
    /// <c>{column}:{rank}</c>, the column being the status's place in <see cref="TaskStatusNames.All"/> (0, 1, 2): one
    /// digit, so the columns sort in board order and ranks within them.
    /// </summary>
    public static string BoardKeyOf(string status, string rank)
    {
        var column = IndexOf(TaskStatusNames.All, status);
        return column < 0
            ? throw new ArgumentException($"'{status}' is not a task status", nameof(status))
            : string.Create(CultureInfo.InvariantCulture, $"{column}:{rank}");
    }

    /// <summary><c>{dueDate or 9999-12-31}#{taskId}</c>: task ids are time-ordered, so equal dates list oldest first.</summary>
    public static string AssigneeKeyOf(string? dueDate, string taskId) => $"{dueDate ?? NoDueDate}#{taskId}";

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The attributes of a comment item in the <c>comments</c> table (pk <c>{projectId}/{taskId}</c>, sk comment id).</summary>
public static class CommentAttributes
{
    public const string Id = "id";
    public const string ProjectId = "projectId";
    public const string TaskId = "taskId";

    /// <summary>The user who wrote it; the only one who may edit it.</summary>
    public const string AuthorId = "authorId";

    public const string Body = "body";
    public const string CreatedAt = "createdAt";
    public const string CreatedBy = "createdBy";
    public const string UpdatedAt = "updatedAt";
    public const string UpdatedBy = "updatedBy";

    /// <summary>As <see cref="TaskAttributes.DeletedBy"/>: stamped just before the item is deleted.</summary>
    public const string DeletedBy = "deletedBy";

    /// <summary>The partition of a task's comments.</summary>
    public static string PartitionOf(string projectId, string taskId) => $"{projectId}/{taskId}";
}

/// <summary>The attributes of a project's labels item in the <c>labels</c> table (pk project id).</summary>
public static class LabelAttributes
{
    /// <summary>A list (L) of maps, one per label: <c>id</c>, <c>name</c>, <c>color</c>, <c>createdAt</c>, <c>createdBy</c>, <c>updatedAt</c>, <c>updatedBy</c>.</summary>
    public const string Labels = "labels";

    /// <summary>The user whose change this item's image records (a label created, renamed or deleted).</summary>
    public const string UpdatedBy = "updatedBy";

    public const string UpdatedAt = "updatedAt";
}
