using Cumin.Primitives;

namespace Cumin.Api.Http;

/// <summary>
/// Route ids (<c>{projectId}</c>, <c>{taskId}</c>, ...) are opaque but never contain '/' or other characters that could
/// reach another grain's key. Checked once, for every route of a group, before its handler runs: a route id that is
/// not well formed names nothing, so the answer is the 404 an unknown id gets.
/// </summary>
internal static class RouteIds
{
    public static TBuilder RequireWellFormedRouteIds<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            AreWellFormed(context.HttpContext.Request.RouteValues) ? await next(context) : Problems.NotFound());

    /// <summary>Every value of the route (a route handler's routes carry ids only) is a well-formed id.</summary>
    public static bool AreWellFormed(RouteValueDictionary routeValues) =>
        routeValues.Values.All(value => value is string id && SortableId.IsWellFormed(id));
}
