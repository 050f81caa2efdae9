using System.Security.Claims;
using Cumin.Common;

namespace Cumin.Api.Common;

internal static class Caller
{
    /// <summary>The authenticated user's id (<c>sub</c>); endpoints using it require authorization.</summary>
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("an authorized request has no sub claim");

    /// <summary>Route ids are opaque but never contain '/' or other characters that could reach another grain's key.</summary>
    public static bool AreWellFormed(params string[] ids) => ids.All(SortableId.IsWellFormed);
}
