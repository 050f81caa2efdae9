using Cumin.Common;
using Cumin.Projects;

namespace Cumin.Tasks;

/// <summary>
/// One task; key <c>{projectId}/{taskId}</c>, so its state lands in the <c>tasks</c> table under pk project id,
/// sk task id. Every call names the caller. Changes ask the project for the caller's role; reads use the membership
/// the project handed this grain (<see cref="IProjectGrain.WatchMembers"/>), which the project keeps current.
/// </summary>
[Alias("cumin.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    [Alias("get")]
    Task<Reply<TaskItem>> Get(string callerId);

    /// <param name="expectedVersion">From <c>If-Match</c>; null to update whatever the current version is.</param>
    [Alias("update")]
    Task<Reply<TaskItem>> Update(string callerId, TaskPatch patch, long? expectedVersion);

    [Alias("delete")]
    Task<Reply<bool>> Delete(string callerId);

    /// <summary>Called by the project grain, which has already checked the caller's role.</summary>
    [Alias("create")]
    Task<Reply<TaskItem>> Create(TaskDraft draft);

    /// <summary>Called by the project grain when the project is deleted.</summary>
    [Alias("purge")]
    Task Purge();

    /// <summary>
    /// From the project: its membership changed (<paramref name="membership"/> is the new one), or, when null, the project
    /// is going away and the membership must be asked for again. Interleaves, so a project waiting on it never deadlocks
    /// with this grain waiting on the project.
    /// </summary>
    [Alias("membership-changed"), AlwaysInterleave]
    Task MembershipChanged(ProjectMembership? membership);

    public static string KeyOf(string projectId, string taskId) => $"{projectId}/{taskId}";
}
