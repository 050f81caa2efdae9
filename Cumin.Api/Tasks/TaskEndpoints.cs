using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Tasks;

/// <summary>
/// /api/projects/{projectId}/tasks: list (filtered, in creation or board order), create, read, update (with If-Match),
/// move, delete; and /api/tasks, the caller's assigned tasks across projects.
/// </summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapProjectGroup("/api/projects/{projectId}/tasks", "Tasks");

        group.MapGet("/", List).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/", Create)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{taskId}", Get);
        group.MapPatch("/{taskId}", Update)
            .Accepts<UpdateTaskRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{taskId}/move", Move)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{taskId}", Delete).ProducesProblem(StatusCodes.Status403Forbidden);

        app.MapGet("/api/tasks", Assigned).WithTags("Tasks").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Ok<TaskList>, ProblemHttpResult>> List(
        string projectId, string? status, string? assigneeId, string? labelId, string? dueBefore, string? q, string? order,
        string? limit, string? cursor, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (TaskRequests.ReadQuery(status, assigneeId, labelId, dueBefore, q, order, limit, cursor) is not { } query)
        {
            return Problems.BadRequest(
                "status must be todo, in_progress or done; assigneeId a user id or none; labelId a label id; dueBefore a date (YYYY-MM-DD); " +
                $"q 1-{TaskLimits.TextQueryMax} characters; order created or rank; limit a whole number from 1 to {TaskLimits.PageMax}");
        }

        var reply = await grains.Of<IProjectGrain>(projectId).ListTasks(user.Id(), query);
        return reply.IsOk ? TypedResults.Ok(new TaskList(reply.Value!.Items, reply.Value.NextCursor)) : Problems.For(reply);
    }

    private static async Task<Results<Ok<TaskList>, ProblemHttpResult>> Assigned(
        string? assigneeId, string? status, string? limit, string? cursor, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (assigneeId != "me")
        {
            return Problems.BadRequest("assigneeId=me is required: only your own tasks are listed here");
        }

        TaskItemStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!WireNames.TryParse<TaskItemStatus>(status, out var parsed))
            {
                return Problems.BadRequest("status must be todo, in_progress or done");
            }

            wanted = parsed;
        }

        if (TaskRequests.ReadLimit(limit) is not { } pageSize)
        {
            return Problems.BadRequest($"limit must be a whole number from 1 to {TaskLimits.PageMax}");
        }

        var reply = await grains.Of<IAssignedTasksGrain>(user.Id()).List(wanted, pageSize, string.IsNullOrEmpty(cursor) ? null : cursor);
        return reply.IsOk ? TypedResults.Ok(new TaskList(reply.Value!.Items, reply.Value.NextCursor)) : Problems.For(reply);
    }

    private static async Task<Results<Created<TaskItem>, ProblemHttpResult>> Create(
        string projectId, CreateTaskRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        var draft = new TaskDraft(
            body.Title!, body.Description, body.Status ?? TaskItemStatus.Todo, body.Priority ?? TaskPriority.Medium,
            body.AssigneeId, body.DueDate, body.LabelIds);
        var reply = await grains.Of<IProjectGrain>(projectId).CreateTask(user.Id(), draft);
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        SetETag(http, reply.Value!);
        return TypedResults.Created($"/api/projects/{projectId}/tasks/{reply.Value!.Id}", reply.Value);
    }

    private static async Task<Results<Ok<TaskItem>, ProblemHttpResult>> Get(
        string projectId, string taskId, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        var reply = await TaskGrainOf(grains, projectId, taskId).Get(user.Id());
        return Answer(reply, http);
    }

    private static async Task<Results<Ok<TaskItem>, ValidationProblem, ProblemHttpResult>> Update(
        string projectId, string taskId, UpdateTaskRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        if (!VersionTags.TryReadIfMatch(http.Request, out var expected))
        {
            return Problems.BadRequest("If-Match must be a quoted version such as \"3\", or *");
        }

        if (TaskRequests.Validate(body) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.TypeFor(StatusCodes.Status400BadRequest));
        }

        var patch = new TaskPatch
        {
            Title = body.Title.Value,
            Description = body.Description,
            Status = body.Status.Value,
            Priority = body.Priority.Value,
            AssigneeId = body.AssigneeId,
            DueDate = body.DueDate,
            LabelIds = body.LabelIds.Value,
        };
        var reply = await TaskGrainOf(grains, projectId, taskId).Update(user.Id(), patch, expected);
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        SetETag(http, reply.Value!);
        return TypedResults.Ok(reply.Value!);
    }

    private static async Task<Results<Ok<TaskItem>, ProblemHttpResult>> Move(
        string projectId, string taskId, MoveTaskRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        if (!VersionTags.TryReadIfMatch(http.Request, out var expected))
        {
            return Problems.BadRequest("If-Match must be a quoted version such as \"3\", or *");
        }

        if ((body.AfterId is { } after && !SortableId.IsWellFormed(after)) || (body.BeforeId is { } before && !SortableId.IsWellFormed(before)))
        {
            return Problems.BadRequest("afterId and beforeId must be task ids");
        }

        var reply = await TaskGrainOf(grains, projectId, taskId).Move(user.Id(), new TaskMove(body.Status, body.AfterId, body.BeforeId), expected);
        return Answer(reply, http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string projectId, string taskId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await TaskGrainOf(grains, projectId, taskId).Delete(user.Id());
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }

    private static ITaskGrain TaskGrainOf(IGrainFactory grains, string projectId, string taskId) =>
        grains.Of<ITaskGrain>(ITaskGrain.KeyOf(projectId, taskId));

    private static Results<Ok<TaskItem>, ProblemHttpResult> Answer(Reply<TaskItem> reply, HttpContext http)
    {
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        SetETag(http, reply.Value!);
        return TypedResults.Ok(reply.Value!);
    }

    private static void SetETag(HttpContext http, TaskItem task) => VersionTags.SetETag(http.Response, task.Version);
}
