namespace Cumin.Orleans.Sqs;

/// <summary>
/// Options of one SQS stream provider, bound by name (the provider name). Every property is also a configuration
/// key when the options are bound from configuration, e.g. <c>Cumin:Streams:Sqs:QueueNames:0</c>.
/// </summary>
public sealed class SqsStreamOptions
{
    /// <summary>Default for <see cref="QueueNamePrefix"/> partitions: one queue.</summary>
    public const int DefaultQueueCount = 1;

    /// <summary>
    /// The queues this provider reads and writes, each a queue name (<c>cumin-notifications</c>) or a full queue URL
    /// (<c>https://sqs.eu-west-1.amazonaws.com/123456789012/cumin-notifications</c>). One Orleans partition per entry.
    /// When empty, <see cref="QueueNamePrefix"/> and <see cref="QueueCount"/> name the queues instead.
    /// </summary>
    public IList<string> QueueNames { get; set; } = [];

    /// <summary>
    /// With <see cref="QueueNames"/> empty: the queues are the prefix, a hyphen (unless the prefix ends with one) and
    /// the partition index: <c>cumin-streams-0</c> … <c>cumin-streams-{QueueCount-1}</c>.
    /// </summary>
    public string? QueueNamePrefix { get; set; }

    /// <summary>Number of queues (partitions) named from <see cref="QueueNamePrefix"/>.</summary>
    public int QueueCount { get; set; } = DefaultQueueCount;

    /// <summary>Create the queues on start (and when they disappear) when missing. Queues given as URLs are never created.</summary>
    public bool CreateQueues { get; set; } = true;

    /// <summary>
    /// Attributes for queues this provider creates (e.g. <c>RedrivePolicy</c>, <c>MessageRetentionPeriod</c>).
    /// Ignored for existing queues.
    /// </summary>
    public IDictionary<string, string> QueueAttributes { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Optional SQS endpoint. Leave empty to let the AWS SDK resolve it (<c>AWS_ENDPOINT_URL_SQS</c>,
    /// <c>AWS_ENDPOINT_URL</c>, the shared config file, or the regional AWS endpoint).
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Optional region system name (<c>eu-west-1</c>). Leave empty to let the SDK resolve it (<c>AWS_REGION</c>, profile, instance metadata).</summary>
    public string? Region { get; set; }

    /// <summary>
    /// How long one ReceiveMessage call waits for messages (SQS long polling, 0–20 s). The wait happens in the receiver's
    /// own background loop, never inside the Orleans pulling agent's turn, so the SQS maximum is the sensible default:
    /// fewest empty receives, and shutdown cancels the wait.
    /// </summary>
    public TimeSpan WaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Messages per ReceiveMessage call (1–10).</summary>
    public int MaxNumberOfMessages { get; set; } = 10;

    /// <summary>
    /// Visibility timeout set on every received message. While a message waits in the receiver or in the Orleans cache
    /// for its consumers, the receiver keeps extending it by this much, so only a crashed silo lets it reappear.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When Orleans gives up delivering a message (its consumer kept failing for
    /// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>), the message is not deleted: it becomes visible again
    /// after this delay and is delivered anew (at-least-once). A redrive policy on the queue bounds the attempts.
    /// </summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What happens to a message no mapper can read (malformed body, missing stream key): <see langword="true"/> deletes
    /// it after logging it; <see langword="false"/> leaves it in the queue for the queue's redrive policy to move to a
    /// dead-letter queue after <c>maxReceiveCount</c> receives. Either way it never blocks later messages.
    /// </summary>
    public bool DeleteUnreadableMessages { get; set; } = true;

    /// <summary>First pause after a failed SQS call (receive, queue lookup); doubles up to <see cref="MaxErrorBackoff"/>.</summary>
    public TimeSpan MinErrorBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest pause between retries while SQS is unreachable: notifications sent as it comes back reach their users
    /// within this (a 10 s outage left them 18 s late at 30 s), at one failing receive per queue every 5 s meanwhile.
    /// </summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The queues this provider uses, in partition order.
    /// </summary>
    public IReadOnlyList<string> GetQueueNames()
    {
        if (QueueNames.Count > 0)
        {
            return [.. QueueNames];
        }

        if (string.IsNullOrWhiteSpace(QueueNamePrefix))
        {
            return [];
        }

        var prefix = QueueNamePrefix.EndsWith('-') ? QueueNamePrefix : QueueNamePrefix + "-";
        return [.. Enumerable.Range(0, QueueCount).Select(i => $"{prefix}{i}")];
    }
}
