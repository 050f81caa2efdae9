using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// One delivery of one event to one webhook, as it waits on the deliveries queue: the body is made once, when the event
/// is, so every attempt sends the same bytes. The webhook's URL and secret are not in it: the deliverer reads them at
/// each attempt, so a changed URL, a paused or deleted webhook take effect for deliveries already queued.
/// </summary>
public sealed record WebhookDeliveryMessage
{
    public required string EventId { get; init; }

    public required string ProjectId { get; init; }

    public required string WebhookId { get; init; }

    public required string Type { get; init; }

    /// <summary>The <c>projectEvent</c> JSON, exactly as it is POSTed.</summary>
    public required string Body { get; init; }

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// Not before this time (Unix milliseconds): SQS delays a message at most 15 minutes, so a longer wait comes back
    /// early and is put back with what remains of it.
    /// </summary>
    public long? NotBefore { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookDeliveryMessage))]
[JsonSerializable(typeof(SqsEvent))]
public sealed partial class WebhookJsonContext : JsonSerializerContext;

/// <summary>What Lambda passes a function mapped to an SQS queue: <c>{"Records":[{"messageId","receiptHandle","body",..}]}</c>.</summary>
public sealed record SqsEvent
{
    [JsonPropertyName("Records")]
    public IReadOnlyList<SqsRecord> Records { get; init; } = [];
}

public sealed record SqsRecord
{
    [JsonPropertyName("messageId")]
    public string? MessageId { get; init; }

    [JsonPropertyName("receiptHandle")]
    public string? ReceiptHandle { get; init; }

    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>SQS's own attributes (<c>ApproximateReceiveCount</c>, <c>SentTimestamp</c>, …), as strings.</summary>
    [JsonPropertyName("attributes")]
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    [JsonPropertyName("eventSource")]
    public string? EventSource { get; init; }

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; init; }
}
