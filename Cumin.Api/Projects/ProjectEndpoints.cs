using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Projects;

/// <summary>/api/projects and their members.</summary>
public static class ProjectEndpoints
{
    public static IEndpointRouteBuilder MapProjects(this IEndpointRouteBuilder app)
    {
        var group = app.MapSignedInGroup("/api/projects", "Projects");

        group.MapGet("/", List);
        group.MapPost("/", Create).ProducesValidationProblem();
        group.MapGet("/{projectId}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{projectId}", Update)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{projectId}", Delete)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{projectId}/members", Members).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{projectId}/members", AddMember)
            .RequireRateLimiting(Auth.AuthRateLimits.AddMemberPolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{projectId}/members/{userId}", RemoveMember)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Ok<ProjectList>> List(ClaimsPrincipal user, IGrainFactory grains, IProjectCounts counts, CancellationToken cancellationToken)
    {
        var callerId = user.Id();
        var ids = await grains.Of<IUserGrain>(callerId).GetProjectIds();
        var replies = await Task.WhenAll(ids.Select(id => grains.Of<IProjectGrain>(id).Get(callerId)));
        var views = replies.Where(r => r.IsOk).Select(r => r.Value!).OrderBy(v => v.CreatedAt).ToList();
        var known = await counts.GetAsync(views.Select(v => v.Id).ToList(), cancellationToken);
        return TypedResults.Ok(new ProjectList(
            views.Select(v => ProjectResponse.From(v, known is null ? null : known.GetValueOrDefault(v.Id, StatusCounts.Zero))).ToList()));
    }

    private static async Task<Results<Created<ProjectResponse>, ProblemHttpResult>> Create(
        CreateProjectRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IUserGrain>(user.Id()).CreateProject(new ProjectDraft(body.Name!, body.Description));
        return reply.IsOk
            ? TypedResults.Created($"/api/projects/{reply.Value!.Id}", ProjectResponse.From(reply.Value, StatusCounts.Zero))
            : Problems.For(reply);
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> Get(
        string projectId, ClaimsPrincipal user, IGrainFactory grains, IProjectCounts counts, CancellationToken cancellationToken)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).Get(user.Id());
        return reply.IsOk
            ? TypedResults.Ok(ProjectResponse.From(reply.Value!, await CountsOf(counts, projectId, cancellationToken)))
            : Problems.For(reply);
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> Update(
        string projectId, UpdateProjectRequest body, ClaimsPrincipal user, IGrainFactory grains, IProjectCounts counts, CancellationToken cancellationToken)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).Update(user.Id(), new ProjectPatch(body.Name, body.Description));
        return reply.IsOk
            ? TypedResults.Ok(ProjectResponse.From(reply.Value!, await CountsOf(counts, projectId, cancellationToken)))
            : Problems.For(reply);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string projectId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).Delete(user.Id());
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }

    private static async Task<Results<Ok<MemberList>, ProblemHttpResult>> Members(string projectId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).GetMembers(user.Id());
        return reply.IsOk
            ? TypedResults.Ok(new MemberList(reply.Value!.Select(MemberResponse.From).ToList()))
            : Problems.For(reply);
    }

    private static async Task<Results<Created<MemberResponse>, ProblemHttpResult>> AddMember(
        string projectId, AddMemberRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body.Role is not (ProjectRole.Editor or ProjectRole.Viewer))
        {
            return Problems.BadRequest("role must be editor or viewer");
        }

        var project = grains.Of<IProjectGrain>(projectId);
        var callerId = user.Id();
        // Only those who may add members learn whether an address is registered: everyone else is answered before the lookup.
        if (Permissions.Deny<Member>(await project.GetRole(callerId), ProjectAction.AddMember) is { } denied)
        {
            return Problems.For(denied);
        }

        var userId = await grains.Of<IEmailGrain>(UserLimits.NormalizeEmail(body.Email!)).GetUserId();
        var profile = userId is null ? null : await grains.Of<IUserGrain>(userId).GetProfile();
        if (profile is null)
        {
            return Problems.NotFound("No user is registered with that e-mail address.");
        }

        var reply = await project.AddMember(callerId, new Member(profile.Id, profile.Name, profile.Email, body.Role.Value));
        return reply.IsOk
            ? TypedResults.Created($"/api/projects/{projectId}/members/{profile.Id}", MemberResponse.From(reply.Value!))
            : Problems.For(reply);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        string projectId, string userId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).RemoveMember(user.Id(), userId);
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }

    private static async Task<StatusCounts?> CountsOf(IProjectCounts counts, string projectId, CancellationToken cancellationToken) =>
        await counts.GetAsync([projectId], cancellationToken) is { } known ? known.GetValueOrDefault(projectId, StatusCounts.Zero) : null;
}
