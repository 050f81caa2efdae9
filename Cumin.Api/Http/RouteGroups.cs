namespace Cumin.Api.Http;

/// <summary>The route groups the features map, with the metadata every route of such a group shares, written once.</summary>
internal static class RouteGroups
{
    /// <summary>Routes for a signed-in caller, under <paramref name="prefix"/>: 401 without a valid access token.</summary>
    public static RouteGroupBuilder MapSignedInGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>
    /// Routes under one project (<c>/api/projects/{projectId}/…</c>) for a signed-in caller: 401 without a token, 404 for
    /// a project that does not exist or that the caller is not a member of (no existence leak).
    /// </summary>
    public static RouteGroupBuilder MapProjectGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapSignedInGroup(prefix, tag).ProducesProblem(StatusCodes.Status404NotFound);
}
