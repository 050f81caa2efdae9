using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Queues;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Tells an export's owner it has ended: one <see cref="ExportNotificationMessage"/>, plain JSON, to the SQS queue the
/// silos read notifications from (<see cref="ExporterOptions.QueueName"/>).
/// </summary>
public sealed class ExportNotifier(IAmazonSQS sqs, IOptions<ExporterOptions> options)
{
    private readonly ExporterOptions _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
    private string? _queueUrl;

    public async Task SendAsync(ExportNotificationMessage message, CancellationToken cancellationToken)
    {
        // Locally the exporter may run before the silo that creates the queue.
        _queueUrl ??= await sqs.LookUpOrCreateQueueUrlAsync(_options.QueueName, createMissing: _options.CreateMissing == true, cancellationToken);
        await sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = _queueUrl,
                // The message carries the export's trace on to the silo that tells the owner.
                MessageBody = JsonSerializer.Serialize(
                    message with { TraceParent = CuminTelemetry.CurrentTraceParent() }, ExportJsonContext.Default.ExportNotificationMessage),
            },
            cancellationToken);
    }
}
