using System.Globalization;
using Cumin.Primitives;
using Cumin.Tasks;

namespace Cumin.Api.Tasks;

/// <summary>
/// What a task request says, read and checked against API.md before it reaches a grain: a PATCH body field by field,
/// and the list's query parameters.
/// </summary>
internal static class TaskRequests
{
    /// <summary>API.md's PATCH rules, field by field; empty when the body may go to the grain.</summary>
    public static Dictionary<string, string[]> Validate(UpdateTaskRequest body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        if (body.Title.IsSet && (body.Title.Value is not { } title || string.IsNullOrWhiteSpace(title) || title.Length > TaskLimits.TitleMax))
        {
            Fail("title", $"title must be 1-{TaskLimits.TitleMax} characters (it cannot be cleared)");
        }

        if (body.Description.Value is { Length: > TaskLimits.DescriptionMax })
        {
            Fail("description", $"description must be at most {TaskLimits.DescriptionMax} characters");
        }

        if (body.Status.IsSet && body.Status.Value is null)
        {
            Fail("status", "status cannot be null");
        }

        if (body.Priority.IsSet && body.Priority.Value is null)
        {
            Fail("priority", "priority cannot be null");
        }

        if (body.AssigneeId.Value is { } assignee && !SortableId.IsWellFormed(assignee))
        {
            Fail("assigneeId", "assigneeId must be a member's user id, or null");
        }

        if (body.LabelIds.IsSet)
        {
            if (body.LabelIds.Value is not { } labels)
            {
                Fail("labelIds", "labelIds cannot be null; [] removes every label");
            }
            else if (labels.Count > TaskLimits.LabelsMax || !labels.All(SortableId.IsWellFormed))
            {
                Fail("labelIds", $"labelIds must be at most {TaskLimits.LabelsMax} label ids");
            }
        }

        return errors;
    }

    /// <summary>The list's query parameters; empty ones (<c>?status=&amp;cursor=</c>) mean not given. Null when one is not valid.</summary>
    public static TaskQuery? ReadQuery(
        string? status, string? assigneeId, string? labelId, string? dueBefore, string? q, string? order, string? limit, string? cursor)
    {
        static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;
        TaskItemStatus? wanted = null;
        if (Given(status) is { } s)
        {
            if (!WireNames.TryParse<TaskItemStatus>(s, out var parsed))
            {
                return null;
            }

            wanted = parsed;
        }

        DateOnly? due = null;
        if (Given(dueBefore) is { } d)
        {
            if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return null;
            }

            due = date;
        }

        var taskOrder = Given(order) switch
        {
            null or "created" => TaskOrder.Created,
            "rank" => (TaskOrder?)TaskOrder.Rank,
            _ => null,
        };
        if (taskOrder is null || ReadLimit(limit) is not { } pageSize
            || (Given(assigneeId) is { } a && a != TaskQuery.Unassigned && !SortableId.IsWellFormed(a))
            || (Given(labelId) is { } l && !SortableId.IsWellFormed(l))
            || (Given(q) is { Length: > TaskLimits.TextQueryMax }))
        {
            return null;
        }

        return new TaskQuery
        {
            Status = wanted,
            AssigneeId = Given(assigneeId),
            LabelId = Given(labelId),
            DueBefore = due,
            Text = Given(q),
            Order = taskOrder.Value,
            Limit = pageSize,
            Cursor = Given(cursor),
        };
    }

    public static int? ReadLimit(string? limit) =>
        string.IsNullOrEmpty(limit)
            ? TaskLimits.PageDefault
            : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= TaskLimits.PageMax ? n : null;
}
