using System.Text.Json;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Streams;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// Turns the tables' stream records into webhook deliveries (DESIGN.md, flow 5): each change of a project
/// (<see cref="ProjectEventReader"/>) becomes one message on the deliveries queue per active webhook of the project that
/// asked for its type; a ping goes to the pinged webhook alone. Lambda handler:
/// <c>Cumin.Lambdas::Cumin.Lambdas.Webhooks.WebhookEventFunction::HandleAsync</c>.
/// </summary>
/// <remarks>
/// Nothing is sent to a receiver here, so no receiver can slow the streams. Event ids derive from the stream record and
/// the webhook, so a batch handled twice (a failure half-way, a redelivery) queues the same deliveries again under the
/// same ids, which receivers drop by <c>Cumin-Delivery</c>. DynamoDB or SQS failing fails the batch, which the event
/// source retries.
/// </remarks>
public sealed partial class WebhookEventFunction : IStreamEventFunction
{
    private readonly ProjectEventReader _reader;
    private readonly WebhookTable _webhooks;
    private readonly WebhookOutbox _queue;
    private readonly ILogger _logger;

    /// <summary>For the Lambda runtime: the services <see cref="WebhookServiceCollectionExtensions.AddWebhookEvents"/> registers, from environment variables.</summary>
    public WebhookEventFunction()
        : this(FunctionServices.FromEnvironment(static (services, configuration) => services.AddWebhookEvents(configuration)))
    {
    }

    public WebhookEventFunction(WebhookTable webhooks, WebhookOutbox queue, IOptions<TableOptions> tables, ILogger<WebhookEventFunction> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _reader = new ProjectEventReader(tables.Value);
        _webhooks = webhooks ?? throw new ArgumentNullException(nameof(webhooks));
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    private WebhookEventFunction(IServiceProvider services)
        : this(
            services.GetRequiredService<WebhookTable>(),
            services.GetRequiredService<WebhookOutbox>(),
            services.GetRequiredService<IOptions<TableOptions>>(),
            services.GetRequiredService<ILogger<WebhookEventFunction>>())
    {
    }

    /// <summary>The Lambda entry point: the DynamoDB Streams event in, <c>{"batchItemFailures":[]}</c> out.</summary>
    public Task<Stream> HandleAsync(Stream input) => EntryPoint.InvokeAsync(InvokeAsync, input);

    private static readonly LambdaEntryPoint EntryPoint = new("cumin-webhook-events");

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        DynamoDbStreamEvent? streamEvent;
        try
        {
            streamEvent = await JsonSerializer.DeserializeAsync(payload, StreamsJsonContext.Default.DynamoDbStreamEvent, cancellationToken);
        }
        catch (JsonException ex)
        {
            // Retrying cannot make this a stream event.
            LogNotAStreamEvent(_logger, ex);
            return StreamsEventResponse.AllSucceeded();
        }

        var changes = (streamEvent?.Records ?? []).SelectMany(record => _reader.Read(record).Select((change, index) => (Record: record, Index: index, Change: change)))
            .Where(c => c.Change.ProjectId.Length > 0)
            .ToList();
        if (changes.Count == 0)
        {
            return StreamsEventResponse.AllSucceeded();
        }

        // One read per project of the batch, in the batch's order of changes.
        var webhooks = new Dictionary<string, IReadOnlyList<WebhookDefinition>>(StringComparer.Ordinal);
        foreach (var projectId in changes.Select(c => c.Change.ProjectId).Distinct(StringComparer.Ordinal))
        {
            webhooks[projectId] = await _webhooks.ListAsync(projectId, cancellationToken);
        }

        var messages = new List<WebhookDeliveryMessage>();
        foreach (var (record, index, change) in changes)
        {
            foreach (var webhook in webhooks[change.ProjectId])
            {
                var wanted = change.OnlyWebhookId is { } only ? only == webhook.Id : webhook.Active && webhook.Wants(change.Type);
                if (!wanted)
                {
                    continue;
                }

                var eventId = ProjectEventReader.EventId(change.Source, index, webhook.Id);
                messages.Add(new WebhookDeliveryMessage
                {
                    EventId = eventId,
                    ProjectId = change.ProjectId,
                    WebhookId = webhook.Id,
                    Type = change.Type,
                    Body = change.BodyFor(eventId),
                });
            }
        }

        if (messages.Count > 0)
        {
            await _queue.SendAsync(messages, cancellationToken);
        }

        LogQueued(_logger, streamEvent!.Records.Count, changes.Count, messages.Count);
        return StreamsEventResponse.AllSucceeded();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The payload is not a DynamoDB Streams event; nothing queued")]
    private static partial void LogNotAStreamEvent(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Records} records, {Changes} project events, {Deliveries} deliveries queued")]
    private static partial void LogQueued(ILogger logger, int records, int changes, int deliveries);
}
