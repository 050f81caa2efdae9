using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Called by the pulling agent once it gave up delivering a batch (the consumer kept throwing for
/// <c>MaxEventDeliveryTime</c>). The batch's SQS message is then not deleted but handed back to SQS, to be delivered
/// again after <see cref="SqsStreamOptions.RedeliveryDelay"/>: at-least-once delivery instead of a silent skip.
/// Subscriptions are never faulted, so one bad message does not stop a stream.
/// </summary>
internal sealed class SqsStreamFailureHandler(Func<SqsQueueAdapterReceiver?> receiver) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        sequenceToken is not null && receiver() is { } current
            ? current.ReturnForRedeliveryAsync(sequenceToken, streamIdentity)
            : Task.CompletedTask;

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
