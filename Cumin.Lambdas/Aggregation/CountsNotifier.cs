using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Queues;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Aggregation;

/// <summary>
/// Tells the silos what a batch did to its projects' counts: one <see cref="CountsUpdatedMessage"/> per project whose
/// counts changed, on the notifications queue; the project grain hands it to its live watchers as <c>counts.updated</c>.
/// </summary>
/// <remarks>
/// Best effort, after the counts are committed: a message SQS refuses or loses only delays what watchers see until the
/// project's next change (the counts in PostgreSQL, which <c>GET /api/projects</c> reads, are right either way). Failing
/// the batch instead would not help: its records are applied, so a retry changes no counts and sends nothing.
/// </remarks>
public sealed partial class CountsNotifier(IAmazonSQS sqs, IOptions<CountsNotifierOptions> options, ILogger<CountsNotifier> logger)
{
    /// <summary>SQS takes at most ten entries per SendMessageBatch.</summary>
    private const int BatchLimit = 10;

    private readonly string _queueName = options?.Value.QueueName ?? throw new ArgumentNullException(nameof(options));
    private string? _queueUrl;

    public async Task SendAsync(IReadOnlyList<CountsSnapshot> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }

        var traceParent = CuminTelemetry.CurrentTraceParent();
        var bodies = counts
            .Select(c => JsonSerializer.Serialize(
                new CountsUpdatedMessage(CountsUpdatedMessage.TypeName, c.ProjectId, c.Todo, c.InProgress, c.Done, c.Version, traceParent),
                CountsJsonContext.Default.CountsUpdatedMessage))
            .ToList();
        try
        {
            // Never created here: the silos that read the queue create it locally, the template in AWS.
            _queueUrl ??= await sqs.LookUpQueueUrlAsync(_queueName, cancellationToken);
            var refused = 0;
            foreach (var chunk in bodies.Chunk(BatchLimit))
            {
                var response = await sqs.SendMessageBatchAsync(
                    new SendMessageBatchRequest
                    {
                        QueueUrl = _queueUrl,
                        Entries = [.. chunk.Select((body, i) => new SendMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), body))],
                    },
                    cancellationToken);
                refused += response.Failed?.Count ?? 0;
            }

            if (refused > 0)
            {
                LogNotSent(logger, null, refused, counts.Count);
            }
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            LogNotSent(logger, ex, counts.Count, counts.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Unsent} of {Projects} counts.updated messages were not sent; watchers see those counts at the project's next change")]
    private static partial void LogNotSent(ILogger logger, Exception? exception, int unsent, int projects);
}

/// <summary>The aggregator's notifications queue: <c>Cumin:Notifications:QueueName</c>, the one the exporter writes too.</summary>
public sealed class CountsNotifierOptions
{
    public const string SectionName = "Cumin:Notifications";

    public string QueueName { get; set; } = "cumin-notifications";
}

/// <summary>
/// <c>{"type":"counts.updated","projectId",…,"version",…}</c>: the silos read it as <c>Cumin.Live.ProjectCountsMessage</c>
/// (this copy keeps the Lambda free of Orleans; the JSON shape is the contract both sides are tested against).
/// </summary>
public sealed record CountsUpdatedMessage(
    string Type,
    string ProjectId,
    int Todo,
    int InProgress,
    int Done,
    long Version,
    string? TraceParent)
{
    public const string TypeName = ProjectEventTypes.CountsUpdated;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CountsUpdatedMessage))]
internal sealed partial class CountsJsonContext : JsonSerializerContext;
