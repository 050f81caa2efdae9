namespace Cumin.Webhooks;

/// <summary>
/// The attributes of a project's webhooks item in the <c>webhooks</c> table (pk project id), written by the project grain
/// and read by the webhook functions from the stream and by GetItem.
/// </summary>
public static class WebhookAttributes
{
    /// <summary>A list (L) of maps, one per webhook, with the attributes below.</summary>
    public const string Webhooks = "webhooks";

    public const string Id = "id";
    public const string Url = "url";

    /// <summary>A list (L) of <see cref="ProjectEventTypes"/> names, or <c>["*"]</c>.</summary>
    public const string Events = "events";

    /// <summary>BOOL: false when the owner paused it (the deliverer's suspension after failures is kept in PostgreSQL).</summary>
    public const string Active = "active";

    /// <summary>The secret, encrypted (<see cref="ISecretProtector"/>): base64 of nonce, ciphertext and tag.</summary>
    public const string Secret = "secret";

    public const string CreatedAt = "createdAt";
    public const string CreatedBy = "createdBy";

    /// <summary>When it was last made active (created, or PATCHed to active): a suspension older than this no longer holds.</summary>
    public const string ActivatedAt = "activatedAt";

    /// <summary>A new value on every ping: the stream's MODIFY record with a changed one is the ping to deliver.</summary>
    public const string PingId = "pingId";

    public const string PingedBy = "pingedBy";
}
