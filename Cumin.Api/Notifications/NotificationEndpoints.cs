using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Notifications;
using Cumin.Primitives;
using Cumin.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Notifications;

public sealed record NotificationList(IReadOnlyList<UserNotification> Items);

/// <summary>GET /api/notifications: what the caller missed while offline, newest first; the hub pushes the same live.</summary>
public static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notifications", List)
            .WithTags("Notifications")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        // A connection lives no longer than the access token it was opened with; clients reconnect with a fresh one.
        app.MapHub<NotificationHub>(NotificationHub.Path, hub => hub.CloseOnAuthenticationExpiration = true)
            .RequireCors(CrossOrigin.HubPolicy);
        return app;
    }

    private static async Task<Results<Ok<NotificationList>, ProblemHttpResult>> List(int? limit, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (limit is < 1 or > NotificationLimits.Kept)
        {
            return Problems.BadRequest($"limit must be 1-{NotificationLimits.Kept}");
        }

        var items = await grains.Of<IUserGrain>(user.Id()).GetNotifications(limit ?? NotificationLimits.PageDefault);
        return TypedResults.Ok(new NotificationList(items));
    }
}
