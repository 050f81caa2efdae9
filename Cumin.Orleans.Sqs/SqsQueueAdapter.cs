using Amazon.SQS;
using Amazon.SQS.Model;
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
    IAmazonSQS sqs,
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

        var queue = queueMapper.GetQueue(queueMapper.GetQueueForStream(streamId));
        var request = new SendMessageRequest
        {
            QueueUrl = await queue.GetUrlAsync(CancellationToken.None).ConfigureAwait(false),
            MessageBody = batches.Encode(streamId, [.. events.Cast<object>()], requestContext),
            MessageAttributes = OrleansBatchMessageMapper.Attributes(),
        };
        if (queue.IsFifo)
        {
            // One group per stream keeps each stream in order while streams proceed in parallel.
            request.MessageGroupId = streamId.ToString();
            request.MessageDeduplicationId = Guid.NewGuid().ToString("N");
        }

        try
        {
            await sqs.SendMessageAsync(request).ConfigureAwait(false);
        }
        catch (QueueDoesNotExistException)
        {
            queue.Forget();
            throw;
        }
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => createReceiver(queueId);
}
