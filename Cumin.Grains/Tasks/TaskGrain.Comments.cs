using Cumin.Comments;
using Cumin.Grains.Comments;
using Cumin.Live;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.Extensions.Logging;

namespace Cumin.Grains.Tasks;

/// <summary>
/// The task's comments, kept in their own table (<see cref="ICommentStore"/>) and written only through this grain, which
/// keeps the task's <c>commentCount</c> in step with them.
/// </summary>
public sealed partial class TaskGrain
{
    public async Task<Reply<CommentPage>> ListComments(string callerId, int limit, string? cursor)
    {
        if (!state.RecordExists)
        {
            return Missing<CommentPage>();
        }

        var context = await ContextFor(callerId);
        if (Permissions.Deny<CommentPage>(context?.RoleOf(callerId), ProjectAction.ViewComments) is { } denied)
        {
            return denied.Outcome == Outcome.NotFound ? NotFound<CommentPage>() : denied;
        }

        if (limit is < 1 or > TaskLimits.PageMax)
        {
            return Reply<CommentPage>.Fail(Outcome.Invalid, $"limit must be 1-{TaskLimits.PageMax}");
        }

        var page = await comments.ListAsync(ProjectId, TaskId, limit, cursor);
        return page is null ? Reply<CommentPage>.Fail(Outcome.Invalid, "cursor is not valid") : Reply<CommentPage>.Ok(page);
    }

    public async Task<Reply<Comment>> AddComment(string callerId, string body)
    {
        if (!state.RecordExists)
        {
            return Missing<Comment>();
        }

        var plan = await Project.PrepareTaskChange(callerId, TaskId, new TaskChange { Action = ProjectAction.CreateComment, From = state.State.Status, To = state.State.Status });
        if (!plan.IsOk)
        {
            return plan.As<Comment>();
        }

        if (DomainRules.CheckComment(body) is { } problem)
        {
            return Reply<Comment>.Fail(Outcome.Invalid, problem);
        }

        if (state.State.CommentCount >= TaskLimits.CommentsMax)
        {
            return Reply<Comment>.Limit($"a task has at most {TaskLimits.CommentsMax} comments");
        }

        var now = timeProvider.GetUtcNow();
        var comment = new Comment(_commentIds.Next(), TaskId, callerId, body, now, now);
        await CountedAsync(
            state.State.CommentCount + 1,
            etag => comments.AddAsync(ProjectId, comment, state.State.CommentCount + 1, etag),
            new TaskNews(ProjectEventTypes.CommentCreated, callerId, comment));
        return Reply<Comment>.Ok(comment);
    }

    public async Task<Reply<Comment>> EditComment(string callerId, string commentId, string body)
    {
        if (!state.RecordExists)
        {
            return Missing<Comment>();
        }

        var comment = await comments.GetAsync(ProjectId, TaskId, commentId);
        var change = new TaskChange { Action = ProjectAction.EditComment, From = state.State.Status, To = state.State.Status, IsAuthor = comment?.AuthorId == callerId };
        var plan = await Project.PrepareTaskChange(callerId, TaskId, change);
        if (!plan.IsOk)
        {
            return plan.As<Comment>();
        }

        if (comment is null)
        {
            return Reply<Comment>.Fail(Outcome.NotFound, "comment not found");
        }

        if (DomainRules.CheckComment(body) is { } problem)
        {
            return Reply<Comment>.Fail(Outcome.Invalid, problem);
        }

        var edited = comment with { Body = body, UpdatedAt = timeProvider.GetUtcNow() };
        if (edited.Body != comment.Body)
        {
            await comments.UpdateAsync(ProjectId, edited);
            await ReportWrittenAsync(state.State.ToItem(), new TaskNews(ProjectEventTypes.CommentUpdated, callerId, edited));
        }

        return Reply<Comment>.Ok(edited);
    }

    public async Task<Reply<bool>> DeleteComment(string callerId, string commentId)
    {
        if (!state.RecordExists)
        {
            return Missing<bool>();
        }

        var comment = await comments.GetAsync(ProjectId, TaskId, commentId);
        var change = new TaskChange { Action = ProjectAction.DeleteComment, From = state.State.Status, To = state.State.Status, IsAuthor = comment?.AuthorId == callerId };
        var plan = await Project.PrepareTaskChange(callerId, TaskId, change);
        if (!plan.IsOk)
        {
            return plan.As<bool>();
        }

        if (comment is null)
        {
            return Reply<bool>.Fail(Outcome.NotFound, "comment not found");
        }

        var count = Math.Max(0, state.State.CommentCount - 1);
        await CountedAsync(
            count,
            etag => comments.DeleteAsync(ProjectId, TaskId, commentId, callerId, timeProvider.GetUtcNow(), count, etag),
            new TaskNews(ProjectEventTypes.CommentDeleted, callerId, comment));
        return Reply<bool>.Ok(true);
    }

    /// <summary>
    /// A comment write that sets the task's count in the same transaction, then this grain's state read back (the
    /// transaction moved the item's storage version on) and reported to the project. Any failure drops the activation:
    /// the next call reads what is stored.
    /// </summary>
    private async Task CountedAsync(int count, Func<string, Task<bool>> write, TaskNews news)
    {
        try
        {
            if (!await write(state.Etag ?? "0"))
            {
                throw new InvalidOperationException($"task {TaskId} changed in storage behind its grain");
            }

            await state.ReadStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            WriteUncertain();
            throw;
        }

        await ReportWrittenAsync(state.State.ToItem(), news);
    }

    private async Task DeleteCommentsAsync()
    {
        try
        {
            await comments.DeleteAllAsync(ProjectId, TaskId);
        }
        catch (Exception exception)
        {
            // The task is gone, so nothing can reach these comments any more; the deletion itself stands.
            LogCommentsLeft(logger, exception, ProjectId, TaskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {ProjectId}/{TaskId} was deleted but some of its comments could not be")]
    private static partial void LogCommentsLeft(ILogger logger, Exception exception, string projectId, string taskId);
}
