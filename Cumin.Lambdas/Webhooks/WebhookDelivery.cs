namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// One attempt of one delivery (table <c>webhook_deliveries</c>), what <c>GET .../deliveries</c> lists. The id is the
/// event id and the attempt, so an attempt recorded twice (a message handled again after its answer was lost) is one row.
/// </summary>
public sealed class WebhookDelivery
{
    public required string Id { get; set; }

    public required string WebhookId { get; set; }

    public required string ProjectId { get; set; }

    public required string EventId { get; set; }

    public required string Type { get; set; }

    public DateTimeOffset At { get; set; }

    public int Attempt { get; set; }

    /// <summary>The receiver's HTTP status; null when it never answered (refused, unreachable, too slow).</summary>
    public int? Status { get; set; }

    public bool Ok { get; set; }

    public int DurationMs { get; set; }

    public string? Error { get; set; }
}

/// <summary>
/// A webhook the deliverer set inactive after too many failures in a row (table <c>webhook_suspensions</c>). It holds
/// while <see cref="SuspendedAt"/> is later than the webhook's <c>activatedAt</c>: the owner making it active again
/// lifts it without the deliverer writing the project's item, which only the project grain writes.
/// </summary>
public sealed class WebhookSuspension
{
    public required string WebhookId { get; set; }

    public required string ProjectId { get; set; }

    public DateTimeOffset SuspendedAt { get; set; }
}
