using System.Security.Claims;

namespace Cumin.Api.Http;

internal static class Caller
{
    /// <summary>The authenticated user's id (<c>sub</c>); endpoints using it require authorization.</summary>
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("an authorized request has no sub claim");
}
