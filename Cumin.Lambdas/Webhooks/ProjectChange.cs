using System.Globalization;
using System.Text.Json.Nodes;

namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// One event a stream record stands for: API.md's <c>projectEvent</c> without its id (which is made per webhook,
/// <see cref="ProjectEventReader.EventId"/>), and the webhook it is only for (a ping), if any.
/// </summary>
public sealed record ProjectChange(string ProjectId, string Type, DateTimeOffset At, string? ActorId, JsonObject Data, string Source, string? OnlyWebhookId = null)
{
    /// <summary>The body a webhook receives: <c>{id, projectId, type, at, actorId, data}</c>.</summary>
    public string BodyFor(string eventId) => new JsonObject
    {
        ["id"] = eventId,
        ["projectId"] = ProjectId,
        ["type"] = Type,
        ["at"] = At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["actorId"] = ActorId,
        ["data"] = Data.DeepClone(),
    }.ToJsonString();
}
