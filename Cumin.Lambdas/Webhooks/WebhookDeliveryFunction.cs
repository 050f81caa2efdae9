using System.Security.Cryptography;
using System.Text.Json;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Streams;
using Cumin.ServiceDefaults;
using Cumin.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// Delivers what waits on the deliveries queue (DESIGN.md, flow 5): reads the webhook (a deleted one gets nothing, a
/// paused or suspended one nothing but pings), signs and POSTs (<see cref="WebhookSender"/>), records the attempt in
/// PostgreSQL, and on failure queues the next attempt with the schedule's wait, or gives up after the last; a webhook
/// whose last <see cref="WebhookOptions.FailuresBeforeInactive"/> attempts all failed is suspended. Lambda handler:
/// <c>Cumin.Lambdas::Cumin.Lambdas.Webhooks.WebhookDeliveryFunction::HandleAsync</c>, on an SQS event-source mapping.
/// </summary>
/// <remarks>
/// The messages of a batch are delivered side by side (<see cref="WebhookOptions.Concurrency"/>), each within the
/// timeout, so a slow receiver costs only its own deliveries their time. A message that cannot be handled because
/// DynamoDB, PostgreSQL or SQS fails is named in <c>batchItemFailures</c>: SQS makes it visible again after its
/// visibility timeout, and the dead-letter queue takes it after too many receives.
/// </remarks>
public sealed partial class WebhookDeliveryFunction : IStreamEventFunction
{
    private readonly WebhookTable _webhooks;
    private readonly WebhookOutbox _queue;
    private readonly WebhookSender _sender;
    private readonly WebhookDeliveryLog _log;
    private readonly ISecretProtector _secrets;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>For the Lambda runtime: the services <see cref="WebhookServiceCollectionExtensions.AddWebhookDeliverer"/> registers, from environment variables and Secrets Manager.</summary>
    public WebhookDeliveryFunction()
        : this(FunctionServices.FromEnvironment(
            static (services, configuration) => services.AddWebhookDeliverer(configuration),
            static configuration => configuration.AddLambdaSecrets()))
    {
    }

    public WebhookDeliveryFunction(
        WebhookTable webhooks, WebhookOutbox queue, WebhookSender sender, WebhookDeliveryLog log, ISecretProtector secrets,
        IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDeliveryFunction> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_webhooks, _queue, _sender, _log, _secrets) = (webhooks, queue, sender, log, secrets);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private WebhookDeliveryFunction(IServiceProvider services)
        : this(
            services.GetRequiredService<WebhookTable>(),
            services.GetRequiredService<WebhookOutbox>(),
            services.GetRequiredService<WebhookSender>(),
            services.GetRequiredService<WebhookDeliveryLog>(),
            services.GetRequiredService<ISecretProtector>(),
            services.GetRequiredService<IOptions<WebhookOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<WebhookDeliveryFunction>>())
    {
    }

    /// <summary>The Lambda entry point: the SQS event in, <c>{"batchItemFailures":[{"itemIdentifier":"&lt;messageId&gt;"}]}</c> out.</summary>
    public Task<Stream> HandleAsync(Stream input) => EntryPoint.InvokeAsync(InvokeAsync, input);

    private static readonly LambdaEntryPoint EntryPoint = new("cumin-webhook-deliverer");

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        SqsEvent? sqsEvent;
        try
        {
            sqsEvent = await JsonSerializer.DeserializeAsync(payload, WebhookJsonContext.Default.SqsEvent, cancellationToken);
        }
        catch (JsonException ex)
        {
            LogNotAnSqsEvent(_logger, ex);
            return StreamsEventResponse.AllSucceeded();
        }

        var failed = new List<BatchItemFailure>();
        using var lanes = new SemaphoreSlim(Math.Max(1, _options.Concurrency));
        await Task.WhenAll((sqsEvent?.Records ?? []).Select(async record =>
        {
            await lanes.WaitAsync(cancellationToken);
            try
            {
                await DeliverAsync(record, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogMessageFailed(_logger, ex, record.MessageId ?? "?");
                lock (failed)
                {
                    failed.Add(new BatchItemFailure { ItemIdentifier = record.MessageId });
                }
            }
            finally
            {
                lanes.Release();
            }
        }));

        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new StreamsEventResponse { BatchItemFailures = failed }, StreamsJsonContext.Default.StreamsEventResponse));
    }

    private async Task DeliverAsync(SqsRecord record, CancellationToken cancellationToken)
    {
        WebhookDeliveryMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(record.Body ?? "", WebhookJsonContext.Default.WebhookDeliveryMessage);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            // Nothing of ours: retrying cannot make it one.
            LogNotADelivery(_logger, record.MessageId ?? "?");
            return;
        }

        var now = _time.GetUtcNow();
        if (message.NotBefore is { } notBefore && DateTimeOffset.FromUnixTimeMilliseconds(notBefore) - now > TimeSpan.FromSeconds(1))
        {
            // A wait longer than SQS's longest delay: back with what remains of it.
            await _queue.SendAsync(message, DateTimeOffset.FromUnixTimeMilliseconds(notBefore) - now, cancellationToken);
            return;
        }

        var webhook = (await _webhooks.ListAsync(message.ProjectId, cancellationToken)).FirstOrDefault(w => w.Id == message.WebhookId);
        var isPing = message.Type == ProjectEventTypes.Ping;
        if (webhook is null || (!isPing && !webhook.Active))
        {
            LogDropped(_logger, message.EventId, message.WebhookId, webhook is null ? "deleted" : "paused");
            return;
        }

        if (!isPing && await _log.SuspendedAtAsync(webhook.Id, cancellationToken) is { } suspended && suspended >= webhook.ActivatedAt)
        {
            LogDropped(_logger, message.EventId, message.WebhookId, "suspended after failures");
            return;
        }

        string secret;
        try
        {
            secret = _secrets.Unprotect(webhook.Secret, message.ProjectId);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            // Sealed under another key: no receiver could check what we would sign. Recorded, not retried.
            await RecordAsync(message, webhook, now, new DeliveryAttempt(null, false, TimeSpan.Zero, "the secret cannot be opened with this deployment's key"), cancellationToken);
            return;
        }

        var attempt = await _sender.SendAsync(webhook, secret, message, cancellationToken);
        await RecordAsync(message, webhook, now, attempt, cancellationToken);
        if (attempt.Ok)
        {
            CuminMetrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", "delivered"));
            return;
        }

        var retries = _options.Retries;
        if (message.Attempt > retries.Count)
        {
            CuminMetrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", "abandoned"));
            LogGivenUp(_logger, message.EventId, webhook.Id, message.Attempt);
            return;
        }

        CuminMetrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        var wait = retries[message.Attempt - 1];
        await _queue.SendAsync(
            message with { Attempt = message.Attempt + 1, NotBefore = (_time.GetUtcNow() + wait).ToUnixTimeMilliseconds() },
            wait < WebhookOutbox.MaxDelay ? wait : WebhookOutbox.MaxDelay,
            cancellationToken);
    }

    private async Task RecordAsync(WebhookDeliveryMessage message, WebhookDefinition webhook, DateTimeOffset at, DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        var suspended = await _log.RecordAsync(
            new WebhookDelivery
            {
                Id = $"{message.EventId}-{message.Attempt}",
                WebhookId = webhook.Id,
                ProjectId = message.ProjectId,
                EventId = message.EventId,
                Type = message.Type,
                At = at,
                Attempt = message.Attempt,
                Status = attempt.Status,
                Ok = attempt.Ok,
                DurationMs = (int)Math.Min(int.MaxValue, attempt.Duration.TotalMilliseconds),
                Error = attempt.Error,
            },
            webhook.ActivatedAt,
            _options.FailuresBeforeInactive,
            cancellationToken);
        if (suspended)
        {
            LogSuspended(_logger, webhook.Id, message.ProjectId, _options.FailuresBeforeInactive);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The payload is not an SQS event; nothing delivered")]
    private static partial void LogNotAnSqsEvent(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} is not a webhook delivery; dropped")]
    private static partial void LogNotADelivery(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} could not be handled; SQS redelivers it")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {EventId} to webhook {WebhookId} dropped: the webhook is {Why}")]
    private static partial void LogDropped(ILogger logger, string eventId, string webhookId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {EventId} to webhook {WebhookId} given up after {Attempts} attempts")]
    private static partial void LogGivenUp(ILogger logger, string eventId, string webhookId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} of project {ProjectId} set inactive: its last {Failures} deliveries failed")]
    private static partial void LogSuspended(ILogger logger, string webhookId, string projectId, int failures);
}
