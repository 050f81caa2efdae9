using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Exports;
using Cumin.Primitives;
using Cumin.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Exports;

public sealed record ExportList(IReadOnlyList<ExportView> Items);

/// <summary>
/// POST /api/projects/{projectId}/exports starts an export (any member); /api/exports lists and reads the caller's
/// own. The CSV is made by ExporterFunction from the job's stream record; the job's status follows it.
/// </summary>
public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{projectId}/exports", Start)
            .WithTags("Exports")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var group = app.MapSignedInGroup("/api/exports", "Exports");
        group.MapGet("/", List);
        group.MapGet("/{exportId}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Accepted<ExportView>, ProblemHttpResult>> Start(
        string projectId, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        var reply = await grains.Of<IUserGrain>(user.Id()).StartExport(projectId);
        if (reply.Outcome == Outcome.TooManyRequests)
        {
            http.Response.Headers.RetryAfter = ((int)ExportLimits.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return reply.IsOk
            ? TypedResults.Accepted($"/api/exports/{reply.Value!.Id}", reply.Value)
            : Problems.For(reply);
    }

    /// <summary>The caller's newest exports (at most <see cref="ExportLimits.ListMax"/>), newest first.</summary>
    private static async Task<Ok<ExportList>> List(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new ExportList(await grains.Of<IUserGrain>(user.Id()).ListExports()));

    private static async Task<Results<Ok<ExportView>, ProblemHttpResult>> Get(string exportId, ClaimsPrincipal user, IGrainFactory grains)
    {
        // The grain key starts with the caller's id: another user's export id addresses nothing.
        var export = await grains.Of<IExportJobGrain>(IExportJobGrain.KeyOf(user.Id(), exportId)).Get();
        return export is null ? Problems.NotFound("export not found") : TypedResults.Ok(export);
    }
}
