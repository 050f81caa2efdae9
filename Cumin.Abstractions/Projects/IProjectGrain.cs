using Cumin.Common;
using Cumin.Tasks;

namespace Cumin.Projects;

/// <summary>
/// A project: its name, members and roles. It decides who may do what, for itself and for its tasks:
/// a non-member gets <see cref="Outcome.NotFound"/>, a member whose role is too low <see cref="Outcome.Forbidden"/>.
/// </summary>
[Alias("cumin.IProjectGrain")]
public interface IProjectGrain : IGrainWithStringKey
{
    /// <summary>Called by the owner's user grain.</summary>
    [Alias("create")]
    Task<Reply<ProjectView>> Create(Member owner, ProjectDraft draft);

    [Alias("get"), ReadOnly]
    Task<Reply<ProjectView>> Get(string callerId);

    [Alias("update")]
    Task<Reply<ProjectView>> Update(string callerId, ProjectPatch patch);

    /// <summary>Deletes the project and its tasks (owner only).</summary>
    [Alias("delete")]
    Task<Reply<bool>> Delete(string callerId);

    [Alias("members"), ReadOnly]
    Task<Reply<IReadOnlyList<Member>>> GetMembers(string callerId);

    /// <summary>Adds a member (owner only; role editor or viewer).</summary>
    [Alias("add-member")]
    Task<Reply<Member>> AddMember(string callerId, Member member);

    [Alias("remove-member")]
    Task<Reply<bool>> RemoveMember(string callerId, string userId);

    /// <summary>The role of <paramref name="userId"/>, or null when they are not a member or the project is gone.</summary>
    [Alias("role"), ReadOnly, AlwaysInterleave]
    Task<ProjectRole?> GetRole(string userId);

    /// <summary>
    /// Every member's role, for the task grain <paramref name="taskId"/>, which answers reads from it: from now on the
    /// project tells that task of every change (<see cref="ITaskGrain.MembershipChanged"/>), and that it must forget the
    /// membership when this activation of the project ends. Null when the project is gone.
    /// </summary>
    [Alias("watch-members"), ReadOnly, AlwaysInterleave]
    Task<ProjectMembership?> WatchMembers(string taskId);

    /// <summary>The task grain <paramref name="taskId"/> no longer holds the membership (it is deactivating).</summary>
    [Alias("unwatch-members"), AlwaysInterleave, OneWay]
    Task UnwatchMembers(string taskId);

    [Alias("create-task")]
    Task<Reply<TaskItem>> CreateTask(string callerId, TaskDraft draft);

    [Alias("list-tasks"), ReadOnly]
    Task<Reply<TaskPage>> ListTasks(string callerId, TaskItemStatus? status, int limit, string? cursor);
}
