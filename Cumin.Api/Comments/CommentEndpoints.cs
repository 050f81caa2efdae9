using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Comments;
using Cumin.Primitives;
using Cumin.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Comments;

public sealed record CommentRequest
{
    [Required, StringLength(CommentLimits.BodyMax, MinimumLength = 1)]
    public string? Body { get; init; }
}

public sealed record CommentList(IReadOnlyList<Comment> Items, string? NextCursor);

/// <summary>/api/projects/{projectId}/tasks/{taskId}/comments: oldest first, written by owners and editors, edited by their author only.</summary>
public static class CommentEndpoints
{
    public static IEndpointRouteBuilder MapComments(this IEndpointRouteBuilder app)
    {
        var group = app.MapProjectGroup("/api/projects/{projectId}/tasks/{taskId}/comments", "Comments");
        group.MapGet("/", List).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/", Create)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{commentId}", Update).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapDelete("/{commentId}", Delete).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<CommentList>, ProblemHttpResult>> List(
        string projectId, string taskId, string? limit, string? cursor, ClaimsPrincipal user, IGrainFactory grains)
    {
        var pageSize = TaskLimits.PageDefault;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > TaskLimits.PageMax))
        {
            return Problems.BadRequest($"limit must be a whole number from 1 to {TaskLimits.PageMax}");
        }

        var reply = await Task(grains, projectId, taskId).ListComments(user.Id(), pageSize, string.IsNullOrEmpty(cursor) ? null : cursor);
        return reply.IsOk ? TypedResults.Ok(new CommentList(reply.Value!.Items, reply.Value.NextCursor)) : Problems.For(reply);
    }

    private static async Task<Results<Created<Comment>, ProblemHttpResult>> Create(
        string projectId, string taskId, CommentRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await Task(grains, projectId, taskId).AddComment(user.Id(), body.Body!);
        return reply.IsOk
            ? TypedResults.Created($"/api/projects/{projectId}/tasks/{taskId}/comments/{reply.Value!.Id}", reply.Value)
            : Problems.For(reply);
    }

    private static async Task<Results<Ok<Comment>, ProblemHttpResult>> Update(
        string projectId, string taskId, string commentId, CommentRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await Task(grains, projectId, taskId).EditComment(user.Id(), commentId, body.Body!);
        return reply.IsOk ? TypedResults.Ok(reply.Value!) : Problems.For(reply);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string projectId, string taskId, string commentId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await Task(grains, projectId, taskId).DeleteComment(user.Id(), commentId);
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }

    private static ITaskGrain Task(IGrainFactory grains, string projectId, string taskId) =>
        grains.Of<ITaskGrain>(ITaskGrain.KeyOf(projectId, taskId));
}
