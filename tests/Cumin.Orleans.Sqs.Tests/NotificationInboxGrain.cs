using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Cumin.Orleans.Sqs.Tests;

public interface INotificationInbox : IGrainWithStringKey
{
    Task<InboxSnapshot> GetAsync();
}

/// <summary>One attempt of the stream to hand an event to the inbox.</summary>
[GenerateSerializer]
[Alias("cumin.sqs.tests.delivery")]
public sealed record Delivery(
    [property: Id(0)] string ExportId,
    [property: Id(1)] string? MessageId,
    [property: Id(2)] int? ReceiveCount,
    [property: Id(3)] bool Accepted,
    [property: Id(4)] string? Trace);

[GenerateSerializer]
[Alias("cumin.sqs.tests.inbox-snapshot")]
public sealed record InboxSnapshot(
    [property: Id(0)] IReadOnlyList<Delivery> Deliveries,
    [property: Id(1)] IReadOnlyList<ExportNotification> Exports);

/// <summary>
/// The consumer under test: implicitly subscribed to <c>user-notifications/{userId}</c>, it records every delivery
/// attempt and keeps each export once (deduplicating by export id, the pattern real consumers follow). Its key
/// chooses how it misbehaves: <c>flaky-…</c> throws on the first delivery of each SQS message (Orleans retries it),
/// <c>stubborn-…</c> throws until SQS itself has delivered the message a second time.
/// </summary>
[ImplicitStreamSubscription(SqsStreamClusterFixture.StreamNamespace)]
public sealed class NotificationInboxGrain : Grain, INotificationInbox, IStreamSubscriptionObserver, IAsyncObserver<ExportNotification>
{
    public const string TraceKey = "test-trace";

    private readonly List<Delivery> _deliveries = [];
    private readonly Dictionary<string, ExportNotification> _exports = new(StringComparer.Ordinal);
    private readonly List<ExportNotification> _exportOrder = [];

    public Task<InboxSnapshot> GetAsync() => Task.FromResult(new InboxSnapshot([.. _deliveries], [.. _exportOrder]));

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<ExportNotification>().ResumeAsync(this);

    public Task OnNextAsync(ExportNotification item, StreamSequenceToken? token = null)
    {
        var messageId = SqsRequestContext.MessageId;
        var receiveCount = SqsRequestContext.ReceiveCount;
        var key = this.GetPrimaryKeyString();
        var refuse =
            (key.StartsWith("flaky-", StringComparison.Ordinal) && !_deliveries.Any(d => d.MessageId == messageId))
            || (key.StartsWith("stubborn-", StringComparison.Ordinal) && receiveCount < 2);
        _deliveries.Add(new Delivery(item.ExportId, messageId, receiveCount, !refuse, RequestContext.Get(TraceKey) as string));
        if (refuse)
        {
            throw new InvalidOperationException($"Refusing {item.ExportId} (message {messageId}, receive {receiveCount}) on purpose.");
        }

        // Idempotent by export id: a redelivered or resent notification changes nothing.
        if (_exports.TryAdd(item.ExportId, item))
        {
            _exportOrder.Add(item);
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
