using Cumin.Labels;
using Cumin.Live;
using Cumin.Primitives;
using Cumin.Tasks;
using Cumin.Webhooks;

namespace Cumin.Projects;

/// <summary>
/// A project: its name, members, roles and labels, and the authority on who may do what with it and its tasks
/// (<see cref="Permissions"/>): a non-member gets <see cref="Outcome.NotFound"/>, a member whose role is too low
/// <see cref="Outcome.Forbidden"/>. An active project keeps its board (every task, in column and rank order) in memory:
/// every task write is decided by it (<see cref="PrepareTaskChange"/>) and reported to it (<see cref="TaskWritten"/>)
/// before it is acknowledged, so lists are answered from memory and storage is read only to activate it.
/// </summary>
[Alias("cumin.IProjectGrain")]
public interface IProjectGrain : IGrainWithStringKey, IProjectFeed
{
    /// <summary>Called by the owner's user grain.</summary>
    [Alias("create")]
    Task<Reply<ProjectView>> Create(Member owner, ProjectDraft draft);

    [Alias("get"), ReadOnly]
    Task<Reply<ProjectView>> Get(string callerId);

    [Alias("update")]
    Task<Reply<ProjectView>> Update(string callerId, ProjectPatch patch);

    /// <summary>Deletes the project, its tasks and their comments, its labels and webhooks (owner only).</summary>
    [Alias("delete")]
    Task<Reply<bool>> Delete(string callerId);

    [Alias("members"), ReadOnly]
    Task<Reply<IReadOnlyList<Member>>> GetMembers(string callerId);

    /// <summary>Adds a member (owner only; role editor or viewer).</summary>
    [Alias("add-member")]
    Task<Reply<Member>> AddMember(string callerId, Member member);

    /// <summary>Removes a member (owner only), or the caller themself (leaving). Their tasks here lose their assignee.</summary>
    [Alias("remove-member")]
    Task<Reply<bool>> RemoveMember(string callerId, string userId);

    /// <summary>The role of <paramref name="userId"/>, or null when they are not a member or the project is gone.</summary>
    [Alias("role"), ReadOnly, AlwaysInterleave]
    Task<ProjectRole?> GetRole(string userId);

    /// <summary>The project's context when <paramref name="callerId"/> is a member, else null (nothing is kept for them).</summary>
    [Alias("context"), ReadOnly, AlwaysInterleave]
    Task<ProjectContext?> GetContext(string callerId);

    /// <summary>
    /// The context, for the task grain <paramref name="taskId"/> answering a read of <paramref name="callerId"/>: when the
    /// caller is a member, the project from now on tells that task of every change (<see cref="ITaskGrain.ContextChanged"/>),
    /// and that it must forget the context when this activation of the project ends. Null, and nothing kept, when the
    /// caller is not a member or the project is gone: a request that can only be a 404 leaves nothing behind.
    /// </summary>
    [Alias("watch-context"), ReadOnly, AlwaysInterleave]
    Task<ProjectContext?> WatchContext(string taskId, string callerId);

    /// <summary>The task grain <paramref name="taskId"/> no longer holds the context (it is deactivating).</summary>
    [Alias("unwatch-context"), AlwaysInterleave, OneWay]
    Task UnwatchContext(string taskId);

    /// <summary>
    /// Creates a task at the end of its column (owner, editor): allowed and placed here, written by the new task grain
    /// (<see cref="ITaskGrain.Create"/>), recorded here from its answer. Interleaves, as the other board calls.
    /// </summary>
    [Alias("create-task"), AlwaysInterleave]
    Task<Reply<TaskItem>> CreateTask(string callerId, TaskDraft draft);

    /// <summary>A page of the board, from memory: in rank or creation order, filtered, the work of one call bounded.</summary>
    [Alias("list-tasks"), ReadOnly, AlwaysInterleave]
    Task<Reply<TaskPage>> ListTasks(string callerId, TaskQuery query);

    /// <summary>
    /// Asked by task grain <paramref name="taskId"/> before it writes: may <paramref name="callerId"/> make this change,
    /// and at which rank. A rank handed out is reserved until <see cref="TaskWritten"/> or <see cref="TaskChangeAbandoned"/>.
    /// Decided without waiting on anything, so it interleaves with everything.
    /// </summary>
    [Alias("prepare-task-change"), AlwaysInterleave]
    Task<Reply<TaskChangePlan>> PrepareTaskChange(string callerId, string taskId, TaskChange change);

    /// <summary>
    /// Task grain <paramref name="taskId"/> stored <paramref name="task"/> (null: deleted it), the change <paramref name="news"/>
    /// says; the board follows, and the watchers are told.
    /// </summary>
    [Alias("task-written"), AlwaysInterleave]
    Task TaskWritten(string taskId, TaskItem? task, TaskNews news);

    /// <summary>Task grain <paramref name="taskId"/> could not write what it prepared; its reservation goes.</summary>
    [Alias("task-change-abandoned"), AlwaysInterleave, OneWay]
    Task TaskChangeAbandoned(string taskId);

    /// <summary>
    /// A write of task grain <paramref name="taskId"/> failed without saying whether it landed (its answer was lost): the
    /// board reads storage again rather than go on showing what may no longer be so.
    /// </summary>
    [Alias("task-write-uncertain"), AlwaysInterleave, OneWay]
    Task TaskWriteUncertain(string taskId);

    [Alias("labels"), ReadOnly]
    Task<Reply<IReadOnlyList<Label>>> ListLabels(string callerId);

    [Alias("create-label")]
    Task<Reply<Label>> CreateLabel(string callerId, string name, string color);

    [Alias("update-label")]
    Task<Reply<Label>> UpdateLabel(string callerId, string labelId, LabelPatch patch);

    /// <summary>Deletes a label; from then on no reader sees it in a task's labels.</summary>
    [Alias("delete-label")]
    Task<Reply<bool>> DeleteLabel(string callerId, string labelId);

    /// <summary>The project's webhooks (owner only), secrets left out.</summary>
    [Alias("webhooks"), ReadOnly]
    Task<Reply<IReadOnlyList<Webhook>>> ListWebhooks(string callerId);

    /// <summary>Makes a webhook (owner only); the reply carries its secret, which is never shown again.</summary>
    [Alias("create-webhook")]
    Task<Reply<CreatedWebhook>> CreateWebhook(string callerId, string url, IReadOnlyList<string> events);

    [Alias("update-webhook")]
    Task<Reply<Webhook>> UpdateWebhook(string callerId, string webhookId, WebhookPatch patch);

    [Alias("delete-webhook")]
    Task<Reply<bool>> DeleteWebhook(string callerId, string webhookId);

    /// <summary>Asks for a <c>ping</c> delivery to the webhook, which the webhook functions make from the table's stream.</summary>
    [Alias("ping-webhook")]
    Task<Reply<bool>> PingWebhook(string callerId, string webhookId);
}
