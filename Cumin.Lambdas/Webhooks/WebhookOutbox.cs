using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Queues;
using Cumin.Webhooks;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// The deliveries queue (<see cref="WebhookOptions.QueueName"/>): the event function puts each new delivery on it, the
/// deliverer each retry, with its wait as the message's delay (at most SQS's 15 minutes; longer waits come back early
/// and go back with the rest, <see cref="WebhookDeliveryMessage.NotBefore"/>). Created when missing only against a
/// local SQS (an endpoint override); in AWS the template makes it with its dead-letter queue.
/// </summary>
public sealed class WebhookOutbox(IAmazonSQS sqs, IOptions<WebhookOptions> options)
{
    /// <summary>SQS's longest delay.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    private string? _queueUrl;

    public async Task SendAsync(IReadOnlyList<WebhookDeliveryMessage> messages, CancellationToken cancellationToken)
    {
        var url = _queueUrl ??= await QueueUrlAsync(cancellationToken);
        foreach (var chunk in messages.Chunk(10))
        {
            var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
            {
                QueueUrl = url,
                Entries = [.. chunk.Select((m, i) => new SendMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Serialize(m)))],
            }, cancellationToken);
            if (response.Failed is { Count: > 0 } failed)
            {
                throw new InvalidOperationException($"SQS refused {failed.Count} of {chunk.Length} deliveries: {failed[0].Code} {failed[0].Message}");
            }
        }
    }

    public async Task SendAsync(WebhookDeliveryMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var url = _queueUrl ??= await QueueUrlAsync(cancellationToken);
        var seconds = (int)Math.Clamp(Math.Ceiling(delay.TotalSeconds), 0, MaxDelay.TotalSeconds);
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = Serialize(message), DelaySeconds = seconds }, cancellationToken);
    }

    public static string Serialize(WebhookDeliveryMessage message) => JsonSerializer.Serialize(message, WebhookJsonContext.Default.WebhookDeliveryMessage);

    private Task<string> QueueUrlAsync(CancellationToken cancellationToken) =>
        sqs.LookUpOrCreateQueueUrlAsync(
            options.Value.QueueName,
            createMissing: options.Value.CreateQueue ?? (sqs.Config.ServiceURL is not null || Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_SQS") is not null),
            cancellationToken);
}
