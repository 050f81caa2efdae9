namespace Cumin.Webhooks;

/// <summary>
/// Configuration section <c>Cumin:Webhooks</c>, read by the API (the URL rules at creation), the silo (the secret's key)
/// and the webhook functions (the URL rules at delivery, the queue, the retry schedule).
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Cumin:Webhooks";

    /// <summary>Accept <c>http://</c> URLs too (on in Development).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Accept hosts that are or resolve to loopback, private, link-local or metadata addresses (on in Development).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The key (at least 32 characters) the secrets are sealed under (<see cref="AesGcmSecretProtector"/>).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The SQS queue of deliveries, before any prefix: the event function fills it, the deliverer drains it.</summary>
    public string QueueName { get; set; } = "cumin-webhook-deliveries";

    /// <summary>Create the queue when it is missing. Null (default): only against a local SQS (<c>AWS_ENDPOINT_URL_SQS</c> set).</summary>
    public bool? CreateQueue { get; set; }

    /// <summary>
    /// Waits before each retry (API.md: about 10 s, 1 min, 5 min, 30 min, 2 h, 6 h); after the last retry fails the
    /// delivery is given up. Tests set seconds.
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>How long a receiver has to answer one delivery.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed deliveries in a row after which the webhook is set inactive.</summary>
    public int FailuresBeforeInactive { get; set; } = 20;

    /// <summary>Deliveries of one batch worked at once: a slow receiver holds up only its own.</summary>
    public int Concurrency { get; set; } = 10;

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6),
    ];

    /// <summary>The configured schedule, or API.md's when none is configured.</summary>
    public IReadOnlyList<TimeSpan> Retries => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;
}
