using System.ComponentModel.DataAnnotations;
using Cumin.Webhooks;

namespace Cumin.Api.Webhooks;

public sealed record CreateWebhookRequest
{
    [Required, StringLength(WebhookTargets.UrlMax, MinimumLength = 1)]
    public string? Url { get; init; }

    [Required, MaxLength(WebhookLimits.EventsMax)]
    public IReadOnlyList<string>? Events { get; init; }
}

public sealed record UpdateWebhookRequest
{
    [StringLength(WebhookTargets.UrlMax, MinimumLength = 1)]
    public string? Url { get; init; }

    [MaxLength(WebhookLimits.EventsMax)]
    public IReadOnlyList<string>? Events { get; init; }

    public bool? Active { get; init; }
}

/// <summary>The newest attempt of a webhook: when, the receiver's HTTP status (null when it never answered), whether it delivered.</summary>
public sealed record LastDelivery(DateTimeOffset At, int? Status, bool Ok);

/// <summary>API.md's <c>Webhook</c>.</summary>
public sealed record WebhookResponse(
    string Id,
    string ProjectId,
    string Url,
    IReadOnlyList<string> Events,
    bool Active,
    DateTimeOffset CreatedAt,
    LastDelivery? LastDelivery)
{
    public static WebhookResponse From(Webhook webhook, WebhookDeliveryState? delivery) =>
        new(webhook.Id, webhook.ProjectId, webhook.Url, webhook.Events,
            webhook.Active && !(delivery?.SuspendedAfter(webhook.ActivatedAt) ?? false),
            webhook.CreatedAt, delivery?.Last);
}

/// <summary>The 201 of POST: the webhook and, this once, its secret.</summary>
public sealed record CreatedWebhookResponse(
    string Id,
    string ProjectId,
    string Url,
    IReadOnlyList<string> Events,
    bool Active,
    DateTimeOffset CreatedAt,
    LastDelivery? LastDelivery,
    string Secret);

public sealed record WebhookList(IReadOnlyList<WebhookResponse> Items);

/// <summary>One attempt of a delivery, from the deliveries log.</summary>
public sealed record DeliveryResponse(
    string Id,
    string EventId,
    string Type,
    DateTimeOffset At,
    int Attempt,
    int? Status,
    bool Ok,
    int DurationMs,
    string? Error);

public sealed record DeliveryList(IReadOnlyList<DeliveryResponse> Items);

/// <summary>What the deliveries log says of one webhook: its newest attempt, and when the deliverer suspended it (if ever).</summary>
public sealed record WebhookDeliveryState(LastDelivery? Last, DateTimeOffset? SuspendedAt)
{
    /// <summary>Suspended after failures, and not made active by the owner since.</summary>
    public bool SuspendedAfter(DateTimeOffset activatedAt) => SuspendedAt is { } at && at >= activatedAt;
}
