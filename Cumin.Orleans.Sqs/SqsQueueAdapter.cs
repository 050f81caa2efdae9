using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Writes Orleans-produced batches to the queue the hash ring picks for their stream, and creates a receiver per
/// partition for the pulling agents.
/// </summary>
internal sealed class SqsQueueAdapter(
    string name,
    SqsStreamQueueMapper queueMapper,
    OrleansBatchMessageMapper batches,
    Func<QueueId, IQueueAdapterReceiver> createReceiver) : IQueueAdapter
{
    public string Name => name;

    /// <summary>SQS forgets a message once deleted: a subscriber cannot rewind to an earlier token.</summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("SQS streams are not rewindable: a producer cannot choose the sequence token.", nameof(token));
        }

        // One message group per stream on a FIFO queue keeps each stream in order while streams proceed in parallel.
        var queue = queueMapper.GetQueue(queueMapper.GetQueueForStream(streamId));
        await queue.SendAsync(
            batches.Encode(streamId, [.. events.Cast<object>()], requestContext),
            OrleansBatchMessageMapper.Attributes(),
            messageGroupId: streamId.ToString()).ConfigureAwait(false);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => createReceiver(queueId);
}
