using Cumin.Comments;
using Cumin.Labels;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;

namespace Cumin.Grains;

/// <summary>
/// The bounds of API.md, checked again inside the grains so that no caller (API, test, future client)
/// can store what the API would refuse.
/// </summary>
internal static class DomainRules
{
    public static string? CheckTask(string? title, string? description, IReadOnlyList<string>? labelIds = null)
    {
        if (title is not null && (string.IsNullOrWhiteSpace(title) || title.Length > TaskLimits.TitleMax))
        {
            return $"title must be 1-{TaskLimits.TitleMax} characters";
        }

        if (description is { Length: > TaskLimits.DescriptionMax })
        {
            return $"description must be at most {TaskLimits.DescriptionMax} characters";
        }

        if (labelIds is not null && (labelIds.Count > TaskLimits.LabelsMax || !labelIds.All(SortableId.IsWellFormed)))
        {
            return $"labelIds must be at most {TaskLimits.LabelsMax} label ids";
        }

        return null;
    }

    public static string? CheckComment(string? body) =>
        string.IsNullOrWhiteSpace(body) || body.Length > CommentLimits.BodyMax
            ? $"body must be 1-{CommentLimits.BodyMax} characters"
            : null;

    public static string? CheckLabel(string? name, string? color)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > LabelLimits.NameMax)
        {
            return $"name must be 1-{LabelLimits.NameMax} characters";
        }

        return LabelLimits.IsColor(color) ? null : "color must be #rrggbb";
    }

    public static string? CheckLabelPatch(LabelPatch patch) =>
        patch.Name is not null || patch.Color is not null
            ? CheckLabel(patch.Name ?? "x", patch.Color ?? "#000000")
            : null;

    public static string? CheckQuery(TaskQuery query)
    {
        if (query.Limit is < 1 or > TaskLimits.PageMax)
        {
            return $"limit must be 1-{TaskLimits.PageMax}";
        }

        if (query.Text is { } text && (text.Length is 0 or > TaskLimits.TextQueryMax))
        {
            return $"q must be 1-{TaskLimits.TextQueryMax} characters";
        }

        return query.AssigneeId is { } assignee && assignee != TaskQuery.Unassigned && !SortableId.IsWellFormed(assignee)
            || query.LabelId is { } label && !SortableId.IsWellFormed(label)
            ? "assigneeId and labelId must be ids"
            : null;
    }

    public static string? CheckProject(string? name, string? description)
    {
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > ProjectLimits.NameMax))
        {
            return $"name must be 1-{ProjectLimits.NameMax} characters";
        }

        return description is { Length: > ProjectLimits.DescriptionMax }
            ? $"description must be at most {ProjectLimits.DescriptionMax} characters"
            : null;
    }

    public static string? CheckUser(string name, string email, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > UserLimits.NameMax)
        {
            return $"name must be 1-{UserLimits.NameMax} characters";
        }

        if (string.IsNullOrWhiteSpace(email) || email.Length > UserLimits.EmailMax)
        {
            return "email is not a valid address";
        }

        return password.Length is < UserLimits.PasswordMin or > UserLimits.PasswordMax
            ? $"password must be {UserLimits.PasswordMin}-{UserLimits.PasswordMax} characters"
            : null;
    }
}
