namespace Cumin.Webhooks;

/// <summary>
/// A project's webhook as its owner sees it (API.md's <c>Webhook</c> without <c>lastDelivery</c>, which the API adds
/// from the deliveries log). <see cref="Active"/> is the owner's switch; <see cref="ActivatedAt"/> lets the API tell a
/// suspension after failures that still holds from one the owner has since lifted.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.webhook")]
public sealed record Webhook(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<string> Events,
    [property: Id(4)] bool Active,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset ActivatedAt);

/// <summary>A webhook just made, with its secret: the one time the secret leaves the project.</summary>
[GenerateSerializer, Immutable, Alias("cumin.webhook-created")]
public sealed record CreatedWebhook(
    [property: Id(0)] Webhook Webhook,
    [property: Id(1)] string Secret);

/// <summary>A partial update: null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("cumin.webhook-patch")]
public sealed record WebhookPatch(
    [property: Id(0)] string? Url,
    [property: Id(1)] IReadOnlyList<string>? Events,
    [property: Id(2)] bool? Active);

public static class WebhookLimits
{
    /// <summary>Webhooks of one project (API.md's Limits).</summary>
    public const int PerProjectMax = 10;

    /// <summary>Entries of <c>events</c>: each type at most once, so the known types bound it.</summary>
    public const int EventsMax = 16;

    /// <summary>Deliveries one <c>GET .../deliveries</c> returns at most, and by default.</summary>
    public const int DeliveriesPageMax = 100;

    public const int DeliveriesPageDefault = 20;

    /// <summary>Null when <paramref name="events"/> is a valid <c>events</c> list; otherwise why not.</summary>
    public static string? CheckEvents(IReadOnlyList<string>? events)
    {
        if (events is null || events.Count == 0 || events.Count > EventsMax)
        {
            return $"events must list 1 to {EventsMax} event types, or [\"*\"]";
        }

        if (events.Contains(ProjectEventTypes.All) && events.Count > 1)
        {
            return "events is either [\"*\"] or a list of event types";
        }

        if (events.FirstOrDefault(e => e != ProjectEventTypes.All && !ProjectEventTypes.IsKnown(e)) is { } unknown)
        {
            return $"'{(unknown.Length > 40 ? unknown[..40] + "…" : unknown)}' is not an event type";
        }

        return events.Distinct(StringComparer.Ordinal).Count() != events.Count ? "events lists a type twice" : null;
    }
}
