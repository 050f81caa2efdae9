using Cumin.Primitives;

namespace Cumin.Projects;

/// <summary>Everything a caller may ask to do in a project or to its tasks, labels, comments, exports and webhooks.</summary>
[GenerateSerializer, Alias("cumin.project-action")]
public enum ProjectAction
{
    ViewProject,
    UpdateProject,
    DeleteProject,
    ViewMembers,
    AddMember,
    RemoveMember,

    /// <summary>A member removing themself. The owner cannot (a rule of the project, not of roles).</summary>
    LeaveProject,
    ViewTasks,
    CreateTask,
    UpdateTask,
    MoveTask,
    DeleteTask,
    ViewLabels,
    ManageLabels,
    ViewComments,
    CreateComment,
    EditComment,
    DeleteComment,
    ViewActivity,
    StartExport,
    ManageWebhooks,
}

/// <summary>
/// Who may do what: the one table every check consults (the project and task grains, the user grain's exports, the
/// API where it must answer before asking a grain). A caller who is not a member gets NotFound, whatever the action
/// (no existence leak); a member whose role is below the action's gets Forbidden.
/// </summary>
public static class Permissions
{
    private static readonly Dictionary<ProjectAction, Rule> Rules = new()
    {
        [ProjectAction.ViewProject] = new(ProjectRole.Viewer),
        [ProjectAction.UpdateProject] = new(ProjectRole.Editor),
        [ProjectAction.DeleteProject] = new(ProjectRole.Owner),
        [ProjectAction.ViewMembers] = new(ProjectRole.Viewer),
        [ProjectAction.AddMember] = new(ProjectRole.Owner),
        [ProjectAction.RemoveMember] = new(ProjectRole.Owner),
        [ProjectAction.LeaveProject] = new(ProjectRole.Viewer),
        [ProjectAction.ViewTasks] = new(ProjectRole.Viewer),
        [ProjectAction.CreateTask] = new(ProjectRole.Editor),
        [ProjectAction.UpdateTask] = new(ProjectRole.Editor),
        [ProjectAction.MoveTask] = new(ProjectRole.Editor),
        [ProjectAction.DeleteTask] = new(ProjectRole.Editor),
        [ProjectAction.ViewLabels] = new(ProjectRole.Viewer),
        [ProjectAction.ManageLabels] = new(ProjectRole.Editor),
        [ProjectAction.ViewComments] = new(ProjectRole.Viewer),
        [ProjectAction.CreateComment] = new(ProjectRole.Editor),
        // Words are their author's: only they edit them (while they may still edit the project)...
        [ProjectAction.EditComment] = new(ProjectRole.Editor, Authorship.Required),
        // ...and they, or the owner who moderates the project, remove them.
        [ProjectAction.DeleteComment] = new(ProjectRole.Viewer, Authorship.RequiredUnlessOwner),
        [ProjectAction.ViewActivity] = new(ProjectRole.Viewer),
        [ProjectAction.StartExport] = new(ProjectRole.Viewer),
        [ProjectAction.ManageWebhooks] = new(ProjectRole.Owner),
    };

    private enum Authorship
    {
        NotRequired,
        Required,
        RequiredUnlessOwner,
    }

    /// <summary>The least role that may do <paramref name="action"/>.</summary>
    public static ProjectRole LeastRoleFor(ProjectAction action) => Rules[action].LeastRole;

    /// <summary>
    /// <see cref="Outcome.Ok"/> when a caller of role <paramref name="role"/> (null: not a member) may do
    /// <paramref name="action"/>; <paramref name="isAuthor"/> says whether they wrote the thing it is done to.
    /// </summary>
    public static Outcome Decide(ProjectRole? role, ProjectAction action, bool isAuthor = false)
    {
        if (role is not { } held)
        {
            return Outcome.NotFound;
        }

        var rule = Rules[action];
        var allowed = rule.Authorship switch
        {
            Authorship.Required => isAuthor && held >= rule.LeastRole,
            Authorship.RequiredUnlessOwner => held == ProjectRole.Owner || (isAuthor && held >= rule.LeastRole),
            _ => held >= rule.LeastRole,
        };
        return allowed ? Outcome.Ok : Outcome.Forbidden;
    }

    /// <summary>Null when allowed; otherwise the failed reply, with a detail that names what was missing.</summary>
    public static Reply<T>? Deny<T>(ProjectRole? role, ProjectAction action, bool isAuthor = false) =>
        Decide(role, action, isAuthor) switch
        {
            Outcome.Ok => null,
            Outcome.NotFound => Reply<T>.Fail(Outcome.NotFound, "project not found"),
            _ => Reply<T>.Fail(Outcome.Forbidden, Explain(action)),
        };

    private static string Explain(ProjectAction action)
    {
        var rule = Rules[action];
        var role = WireNames.Of(rule.LeastRole);
        return rule.Authorship switch
        {
            Authorship.Required => "only its author may do this",
            Authorship.RequiredUnlessOwner => "only its author or the project's owner may do this",
            _ when rule.LeastRole == ProjectRole.Owner => "only the owner may do this",
            _ => $"this needs the {role} role",
        };
    }

    private sealed record Rule(ProjectRole LeastRole, Authorship Authorship = Authorship.NotRequired);
}
