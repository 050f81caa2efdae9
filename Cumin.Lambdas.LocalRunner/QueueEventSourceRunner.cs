using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Queues;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// One SQS queue feeding one function, like a Lambda SQS event-source mapping: batches of up to
/// <see cref="BatchSize"/> messages, <see cref="Concurrency"/> batches in flight at once (Lambda scales its pollers
/// with the backlog), each message hidden for <see cref="VisibilityTimeout"/> while its batch runs.
/// </summary>
public sealed record QueueEventSourceMapping(
    string Name,
    Func<IServiceProvider, string> QueueName,
    Func<IServiceProvider, IStreamEventFunction> Function,
    int BatchSize = 10,
    int Concurrency = 4,
    TimeSpan? VisibilityTimeout = null);

/// <summary>
/// The local stand-in for Lambda's SQS event-source mappings: long-polls each registered queue on fauxqs, invokes the
/// function with the exact SQS event JSON through its Stream entry point, and deletes every message the response does
/// not name in <c>batchItemFailures</c>; those become visible again after their visibility timeout (AWS then moves a
/// message received too often to the dead-letter queue; locally it is retried until it succeeds).
/// </summary>
public sealed partial class QueueEventSourceRunner(
    IServiceProvider services,
    IEnumerable<QueueEventSourceMapping> mappings,
    IAmazonSQS sqs,
    ILogger<QueueEventSourceRunner> logger) : BackgroundService
{
    /// <summary>Short, so a stopping runner is not held by a receive in flight.</summary>
    private const int WaitTimeSeconds = 2;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(mappings.SelectMany(mapping =>
        {
            var function = mapping.Function(services);
            var queueName = mapping.QueueName(services);
            return Enumerable.Range(0, mapping.Concurrency)
                .Select(_ => Task.Run(() => PollAsync(mapping, queueName, function, stoppingToken), CancellationToken.None));
        }));

    private async Task PollAsync(QueueEventSourceMapping mapping, string queueName, IStreamEventFunction function, CancellationToken stoppingToken)
    {
        string? queueUrl = null;
        var errors = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Local only: the functions that fill it may not have run yet.
                queueUrl ??= await sqs.LookUpOrCreateQueueUrlAsync(queueName, createMissing: true, stoppingToken);
                var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = queueUrl,
                    MaxNumberOfMessages = mapping.BatchSize,
                    WaitTimeSeconds = WaitTimeSeconds,
                    VisibilityTimeout = (int)(mapping.VisibilityTimeout ?? TimeSpan.FromSeconds(60)).TotalSeconds,
                    MessageSystemAttributeNames = ["All"],
                }, stoppingToken);
                errors = 0;
                if (received.Messages is not { Count: > 0 } messages)
                {
                    continue;
                }

                // The invocation and its acknowledgement run to completion even when stopping, as the stream mappings' do.
                await InvokeAsync(mapping, queueUrl, queueName, function, messages);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                errors++;
                queueUrl = null;
                LogQueueError(logger, ex, mapping.Name, queueName, errors);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * errors)), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task InvokeAsync(QueueEventSourceMapping mapping, string queueUrl, string queueName, IStreamEventFunction function, List<Message> messages)
    {
        var sqsEvent = new SqsEvent
        {
            Records = [.. messages.Select(m => new SqsRecord
            {
                MessageId = m.MessageId,
                ReceiptHandle = m.ReceiptHandle,
                Body = m.Body,
                Attributes = m.Attributes ?? [],
                EventSource = "aws:sqs",
                EventSourceArn = string.Create(CultureInfo.InvariantCulture, $"arn:aws:sqs:{sqs.Config.RegionEndpoint?.SystemName ?? "us-east-1"}:000000000000:{queueName}"),
                AwsRegion = sqs.Config.RegionEndpoint?.SystemName ?? "us-east-1",
            })],
        };
        HashSet<string> failed;
        try
        {
            using var payload = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(sqsEvent, WebhookJsonContext.Default.SqsEvent));
            await using var output = await function.InvokeAsync(payload, CancellationToken.None);
            var response = await JsonSerializer.DeserializeAsync(output, StreamsJsonContext.Default.StreamsEventResponse);
            failed = (response?.BatchItemFailures ?? []).Select(f => f.ItemIdentifier).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception ex)
        {
            // As Lambda: a function that throws fails the whole batch, which comes back after the visibility timeout.
            LogFunctionFailed(logger, ex, mapping.Name, messages.Count);
            return;
        }

        var done = messages.Where(m => !failed.Contains(m.MessageId)).ToList();
        if (done.Count > 0)
        {
            await sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. done.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle))],
            }, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: polling queue {Queue} failed ({Errors} in a row); retrying")]
    private static partial void LogQueueError(ILogger logger, Exception exception, string mapping, string queue, int errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: the function failed on a batch of {Messages} messages; they come back after their visibility timeout")]
    private static partial void LogFunctionFailed(ILogger logger, Exception exception, string mapping, int messages);
}
