using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Labels;
using Cumin.Primitives;
using Cumin.Projects;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Labels;

public sealed record CreateLabelRequest
{
    [Required, StringLength(LabelLimits.NameMax, MinimumLength = 1)]
    public string? Name { get; init; }

    [Required, RegularExpression(LabelLimits.ColorPattern)]
    public string? Color { get; init; }
}

public sealed record UpdateLabelRequest
{
    [StringLength(LabelLimits.NameMax, MinimumLength = 1)]
    public string? Name { get; init; }

    [RegularExpression(LabelLimits.ColorPattern)]
    public string? Color { get; init; }
}

public sealed record LabelList(IReadOnlyList<Label> Items);

/// <summary>/api/projects/{projectId}/labels: a project's labels, listed by any member, managed by owners and editors.</summary>
public static class LabelEndpoints
{
    public static IEndpointRouteBuilder MapLabels(this IEndpointRouteBuilder app)
    {
        var group = app.MapProjectGroup("/api/projects/{projectId}/labels", "Labels");
        group.MapGet("/", List);
        group.MapPost("/", Create)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{labelId}", Update)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{labelId}", Delete).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<LabelList>, ProblemHttpResult>> List(string projectId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).ListLabels(user.Id());
        return reply.IsOk ? TypedResults.Ok(new LabelList(reply.Value!)) : Problems.For(reply);
    }

    private static async Task<Results<Created<Label>, ProblemHttpResult>> Create(
        string projectId, CreateLabelRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).CreateLabel(user.Id(), body.Name!, body.Color!);
        return reply.IsOk
            ? TypedResults.Created($"/api/projects/{projectId}/labels/{reply.Value!.Id}", reply.Value)
            : Problems.For(reply);
    }

    private static async Task<Results<Ok<Label>, ProblemHttpResult>> Update(
        string projectId, string labelId, UpdateLabelRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).UpdateLabel(user.Id(), labelId, new LabelPatch(body.Name, body.Color));
        return reply.IsOk ? TypedResults.Ok(reply.Value!) : Problems.For(reply);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string projectId, string labelId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).DeleteLabel(user.Id(), labelId);
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }
}
