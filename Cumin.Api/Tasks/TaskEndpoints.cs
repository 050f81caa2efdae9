using System.Globalization;
using System.Security.Claims;
using Cumin.Api.Common;
using Cumin.Common;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Cumin.Api.Tasks;

/// <summary>/api/projects/{projectId}/tasks: list, create, read, update (with If-Match), delete.</summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/projects/{projectId}/tasks").WithTags("Tasks").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/", List).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/", Create).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{taskId}", Get);
        group.MapPatch("/{taskId}", Update)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{taskId}", Delete).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<TaskList>, ProblemHttpResult>> List(
        string projectId, string? status, string? limit, string? cursor, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Caller.AreWellFormed(projectId))
        {
            return Problems.NotFound();
        }

        // An empty parameter (`?status=&cursor=`) means the parameter is not given.
        status = string.IsNullOrEmpty(status) ? null : status;
        cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        TaskItemStatus? wanted = null;
        if (status is not null)
        {
            if (ParseStatus(status) is not { } parsed)
            {
                return Problems.BadRequest("status must be todo, in_progress or done");
            }

            wanted = parsed;
        }

        var pageSize = TaskLimits.PageDefault;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > TaskLimits.PageMax))
        {
            return Problems.BadRequest($"limit must be a whole number from 1 to {TaskLimits.PageMax}");
        }

        var reply = await grains.Of<IProjectGrain>(projectId).ListTasks(user.Id(), wanted, pageSize, cursor);
        return reply.IsOk ? TypedResults.Ok(new TaskList(reply.Value!.Items, reply.Value.NextCursor)) : Problems.For(reply);
    }

    private static async Task<Results<Created<TaskItem>, ProblemHttpResult>> Create(
        string projectId, CreateTaskRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        if (!Caller.AreWellFormed(projectId))
        {
            return Problems.NotFound();
        }

        var draft = new TaskDraft(body.Title!, body.Description, body.Status ?? TaskItemStatus.Todo, body.Priority ?? TaskPriority.Medium);
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
        if (!Caller.AreWellFormed(projectId, taskId))
        {
            return Problems.NotFound();
        }

        var reply = await TaskGrainOf(grains, projectId, taskId).Get(user.Id());
        return Answer(reply, http);
    }

    private static async Task<Results<Ok<TaskItem>, ProblemHttpResult>> Update(
        string projectId, string taskId, UpdateTaskRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        if (!Caller.AreWellFormed(projectId, taskId))
        {
            return Problems.NotFound();
        }

        if (!TryReadIfMatch(http.Request, out var expected))
        {
            return Problems.BadRequest("If-Match must be a quoted version such as \"3\", or *");
        }

        var patch = new TaskPatch(body.Title, body.Description, body.Status, body.Priority);
        var reply = await TaskGrainOf(grains, projectId, taskId).Update(user.Id(), patch, expected);
        return Answer(reply, http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string projectId, string taskId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Caller.AreWellFormed(projectId, taskId))
        {
            return Problems.NotFound();
        }

        var reply = await TaskGrainOf(grains, projectId, taskId).Delete(user.Id());
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }

    private static ITaskGrain TaskGrainOf(IGrainFactory grains, string projectId, string taskId) =>
        grains.Of<ITaskGrain>(ITaskGrain.KeyOf(projectId, taskId));

    private static Results<Ok<TaskItem>, ProblemHttpResult> Answer(Cumin.Common.Reply<TaskItem> reply, HttpContext http)
    {
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        SetETag(http, reply.Value!);
        return TypedResults.Ok(reply.Value!);
    }

    private static void SetETag(HttpContext http, TaskItem task) =>
        http.Response.Headers.ETag = $"\"{task.Version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Absent or <c>*</c> means any version; otherwise one strong ETag holding a version number.</summary>
    private static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList(values, out var tags) || tags.Count != 1)
        {
            return false;
        }

        var tag = tags[0];
        if (tag.Equals(EntityTagHeaderValue.Any))
        {
            return true;
        }

        var text = tag.Tag.Value;
        if (tag.IsWeak || text is null || text.Length < 3
            || !long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        version = parsed;
        return true;
    }

    private static TaskItemStatus? ParseStatus(string value) => value switch
    {
        "todo" => TaskItemStatus.Todo,
        "in_progress" => TaskItemStatus.InProgress,
        "done" => TaskItemStatus.Done,
        _ => null,
    };
}
