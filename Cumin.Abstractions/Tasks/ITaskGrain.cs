using Cumin.Comments;
using Cumin.Primitives;
using Cumin.Projects;

namespace Cumin.Tasks;

/// <summary>
/// One task; key <c>{projectId}/{taskId}</c>, so its state lands in the <c>tasks</c> table under pk project id,
/// sk task id. The sole writer of that item and of its comments. Every call names the caller. Reads use the context the
/// project handed this grain (<see cref="IProjectGrain.WatchContext"/>), which the project keeps current; a change is
/// first allowed (and, for a rank, decided) by the project, then written, then reported to it before it is acknowledged.
/// </summary>
[Alias("cumin.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    [Alias("get")]
    Task<Reply<TaskItem>> Get(string callerId);

    /// <param name="expectedVersion">From <c>If-Match</c>; null to update whatever the current version is.</param>
    [Alias("update")]
    Task<Reply<TaskItem>> Update(string callerId, TaskPatch patch, long? expectedVersion);

    /// <summary>Moves the task within its column or to another (<c>POST …/move</c>).</summary>
    [Alias("move")]
    Task<Reply<TaskItem>> Move(string callerId, TaskMove move, long? expectedVersion);

    /// <summary>Deletes the task and its comments.</summary>
    [Alias("delete")]
    Task<Reply<bool>> Delete(string callerId);

    /// <summary>
    /// Called by the project grain with a fresh id and the <paramref name="plan"/> it decided (the draft already allowed and
    /// checked): the task writes itself and answers what it wrote, which the project then records. Unlike every other
    /// change it calls nothing back, so the project's own call never waits on a call into that project (Orleans does not
    /// deliver one to an activation that is deactivating, as on a silo's graceful stop, and the create would wait out the
    /// response timeout).
    /// </summary>
    [Alias("create-planned")]
    Task<Reply<TaskItem>> Create(string callerId, TaskDraft draft, TaskChangePlan plan);

    /// <summary>Called by the project grain when the project is deleted.</summary>
    [Alias("purge")]
    Task Purge();

    /// <summary>
    /// From the project: its context changed (<paramref name="context"/> is the new one), or, when null, the project is
    /// going away and the context must be asked for again. Interleaves, so a project waiting on it never deadlocks
    /// with this grain waiting on the project.
    /// </summary>
    [Alias("context-changed"), AlwaysInterleave]
    Task ContextChanged(ProjectContext? context);

    /// <summary>
    /// From the project: an assignee left or a label went; store the task without what <paramref name="context"/> no longer
    /// has, as a change by <paramref name="actorId"/>. One-way: the project never waits on a task.
    /// </summary>
    [Alias("repair"), OneWay]
    Task Repair(ProjectContext context, string actorId);

    /// <summary>
    /// From the project, respreading a crowded stretch of a column: store <paramref name="rank"/> if the task is still in
    /// column <paramref name="status"/> at <paramref name="fromRank"/>. The order and the version do not change.
    /// </summary>
    [Alias("rerank"), OneWay]
    Task Rerank(TaskItemStatus status, string fromRank, string rank);

    [Alias("comments")]
    Task<Reply<CommentPage>> ListComments(string callerId, int limit, string? cursor);

    [Alias("add-comment")]
    Task<Reply<Comment>> AddComment(string callerId, string body);

    [Alias("edit-comment")]
    Task<Reply<Comment>> EditComment(string callerId, string commentId, string body);

    [Alias("delete-comment")]
    Task<Reply<bool>> DeleteComment(string callerId, string commentId);

    public static string KeyOf(string projectId, string taskId) => $"{projectId}/{taskId}";
}

/// <summary>
/// A user's assigned tasks across their projects (<c>GET /api/tasks?assigneeId=me</c>), from the tasks table's index by
/// assignee. Key: the user id. A stateless worker: nothing to keep, so it runs where it is called and never queues.
/// </summary>
[Alias("cumin.IAssignedTasksGrain")]
public interface IAssignedTasksGrain : IGrainWithStringKey
{
    /// <summary>Soonest due first (none last), then oldest first; only projects the user still belongs to.</summary>
    [Alias("list")]
    Task<Reply<TaskPage>> List(TaskItemStatus? status, int limit, string? cursor);
}
