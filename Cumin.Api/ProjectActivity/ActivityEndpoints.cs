using System.Globalization;
using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.ProjectActivity;

/// <summary>/api/projects/{projectId}/activity: what happened in a project (or to one of its tasks), newest first, for its members.</summary>
public static class ActivityEndpoints
{
    public static IEndpointRouteBuilder MapActivity(this IEndpointRouteBuilder app)
    {
        app.MapProjectGroup("/api/projects/{projectId}/activity", "Activity")
            .MapGet("/", List)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<ActivityPage>, ProblemHttpResult>> List(
        string projectId, string? taskId, string? limit, string? cursor, ClaimsPrincipal user, IGrainFactory grains, ActivityLog log,
        CancellationToken cancellationToken)
    {
        var pageSize = TaskLimits.PageDefault;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > TaskLimits.PageMax))
        {
            return Problems.BadRequest($"limit must be a whole number from 1 to {TaskLimits.PageMax}");
        }

        ActivityCursor? after = null;
        if (!string.IsNullOrEmpty(cursor) && (after = ActivityCursor.Parse(cursor)) is null)
        {
            return Problems.BadRequest("cursor is not one this list returned");
        }

        if (!string.IsNullOrEmpty(taskId) && !SortableId.IsWellFormed(taskId))
        {
            return Problems.BadRequest("taskId is not a task id");
        }

        // Members only: anyone else is told the project does not exist.
        var project = await grains.Of<IProjectGrain>(projectId).Get(user.Id());
        if (!project.IsOk)
        {
            return Problems.For(project);
        }

        return TypedResults.Ok(await log.PageAsync(projectId, string.IsNullOrEmpty(taskId) ? null : taskId, pageSize, after, cancellationToken));
    }
}
