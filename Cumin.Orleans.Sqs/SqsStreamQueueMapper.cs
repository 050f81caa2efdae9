using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// One Orleans partition (<see cref="QueueId"/>) per configured SQS queue, spread over a hash ring so the queue
/// balancer hands each silo a share and producers send each stream to one queue.
/// </summary>
/// <remarks>
/// Only Orleans producers follow the ring. Messages from other producers may sit in any of the queues: whichever
/// agent reads one delivers it to its stream's consumers, so every queue is read and nothing is lost.
/// </remarks>
internal sealed class SqsStreamQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly HashRingBasedStreamQueueMapper _ring;
    private readonly IReadOnlyList<SqsQueue> _queues;

    public SqsStreamQueueMapper(string providerName, IReadOnlyList<SqsQueue> queues)
    {
        _queues = queues;
        _ring = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queues.Count }, providerName);
    }

    public IReadOnlyList<SqsQueue> Queues => _queues;

    public SqsQueue GetQueue(QueueId queueId) => _queues[checked((int)queueId.GetNumericId())];

    public IEnumerable<QueueId> GetAllQueues() => _ring.GetAllQueues();

    public QueueId GetQueueForStream(StreamId streamId) => _ring.GetQueueForStream(streamId);

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) => _ring.GetQueuesForRange(range);
}
