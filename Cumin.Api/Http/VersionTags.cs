using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Cumin.Api.Http;

/// <summary>A resource's version as an HTTP entity tag: the ETag a response carries and the If-Match a write may send.</summary>
public static class VersionTags
{
    public static void SetETag(HttpResponse response, long version) =>
        response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Absent or <c>*</c> means any version; otherwise one strong ETag holding a version number.</summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList(values, out var tags) || tags.Count != 1)
        {
            return false;
        }

        var tag = tags[0];
        if (tag.Equals(EntityTagHeaderValue.Any))
        {
            return true;
        }

        var text = tag.Tag.Value;
        if (tag.IsWeak || text is null || text.Length < 3
            || !long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        version = parsed;
        return true;
    }
}
