using Orleans;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// The events of one SQS message, on their way from the pulling agent to the consumers (possibly on another silo,
/// hence serializable). Carries the SQS message id and receive count so consumers can deduplicate: see
/// <see cref="SqsRequestContext"/>.
/// </summary>
[GenerateSerializer]
[Alias("cumin.sqs.batch")]
internal sealed class SqsBatchContainer : IBatchContainer
{
    [Id(0)]
    private readonly StreamId _streamId;

    [Id(1)]
    private readonly List<object> _events;

    [Id(2)]
    private readonly Dictionary<string, object>? _requestContext;

    [Id(3)]
    private readonly EventSequenceTokenV2 _token;

    [Id(4)]
    private readonly string _messageId;

    [Id(5)]
    private readonly int _receiveCount;

    public SqsBatchContainer(
        StreamId streamId,
        List<object> events,
        Dictionary<string, object>? requestContext,
        EventSequenceTokenV2 token,
        string messageId,
        int receiveCount)
    {
        _streamId = streamId;
        _events = events;
        _requestContext = requestContext;
        _token = token;
        _messageId = messageId;
        _receiveCount = receiveCount;
    }

    public StreamId StreamId => _streamId;

    public StreamSequenceToken SequenceToken => _token;

    /// <summary>The receiver's own number for the SQS message behind this batch.</summary>
    public long Sequence => _token.SequenceNumber;

    public string MessageId => _messageId;

    public int ReceiveCount => _receiveCount;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < _events.Count; i++)
        {
            if (_events[i] is T item)
            {
                yield return Tuple.Create<T, StreamSequenceToken>(item, _token.CreateSequenceTokenForEvent(i));
            }
        }
    }

    public bool ImportRequestContext()
    {
        if (_requestContext is not null)
        {
            foreach (var (key, value) in _requestContext)
            {
                RequestContext.Set(key, value);
            }
        }

        RequestContext.Set(SqsRequestContext.MessageIdKey, _messageId);
        RequestContext.Set(SqsRequestContext.ReceiveCountKey, _receiveCount);
        return true;
    }

    public override string ToString() => $"SqsBatchContainer[{_streamId}, message {_messageId}, {_events.Count} event(s), {_token}]";
}
