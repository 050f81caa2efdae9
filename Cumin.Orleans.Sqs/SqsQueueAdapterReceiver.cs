using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>Reads one SQS queue (one Orleans partition) for the pulling agent that owns it.</summary>
/// <remarks>
/// Long polling runs in a background loop, not in <see cref="GetQueueMessagesAsync(int, CancellationToken)"/>: the
/// pulling agent purges its cache, and so lets us delete delivered messages, only at the start of each read, and a
/// read that long-polled for 20 s would hold every delete (and the agent's shutdown) back by as long. So the loop
/// waits on SQS for up to <see cref="SqsStreamOptions.WaitTime"/> and hands over at most one receive's worth; the
/// agent's reads (every 100 ms) take what is already here and return at once. Shutdown cancels the long poll.
/// A message is deleted only once the agent reports it delivered; until then <see cref="HeldMessages"/> keeps it
/// invisible. Delivery failed for good (<see cref="SqsStreamFailureHandler"/>) hands it back to SQS; a dead silo's
/// messages reappear after the visibility timeout. Either way: at least once.
/// </remarks>
internal sealed class SqsQueueAdapterReceiver : IQueueAdapterReceiver, IDisposable
{
    private readonly QueueId _queueId;
    private readonly SqsQueue _queue;
    private readonly SqsStreamOptions _options;
    private readonly SqsMessageMappers _mappers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<SqsQueueAdapterReceiver> _onShutdown;
    private readonly HeldMessages _held;

    /// <summary>Received and not yet taken by the agent: at most one receive's worth.</summary>
    private readonly Channel<HeldMessage> _received = Channel.CreateUnbounded<HeldMessage>(new UnboundedChannelOptions { SingleWriter = true });

    /// <summary>Released by the agent's read when it took everything, so the loop receives again.</summary>
    private readonly SemaphoreSlim _drained = new(0, 1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _receiving = Task.CompletedTask;
    private Task _keeping = Task.CompletedTask;

    public SqsQueueAdapterReceiver(
        QueueId queueId,
        SqsQueue queue,
        SqsStreamOptions options,
        SqsMessageMappers mappers,
        TimeProvider time,
        ILogger logger,
        Action<SqsQueueAdapterReceiver> onShutdown)
    {
        _queueId = queueId;
        _queue = queue;
        _options = options;
        _mappers = mappers;
        _time = time;
        _logger = logger;
        _onShutdown = onShutdown;
        _held = new HeldMessages(queue, options.VisibilityTimeout, time);
    }

    public QueueId QueueId => _queueId;

    /// <summary>Messages currently kept invisible by this receiver (for diagnostics and tests).</summary>
    public int HeldCount => _held.Count;

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Nothing to wait for: the loop looks the queue up (creating it if allowed) and retries while SQS is away,
        // so a silo starts, and its agents run, even when SQS is briefly unreachable.
        _receiving = Task.Run(() => ReceiveLoopAsync(_stopping.Token), CancellationToken.None);
        _keeping = Task.Run(() => _held.KeepAsync(_stopping.Token), CancellationToken.None);
        _logger.LogStarted(_queue.Name, _queueId);
        return Task.CompletedTask;
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var limit = maxCount == QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG || maxCount < 0 ? int.MaxValue : maxCount;
        var batches = new List<IBatchContainer>();
        List<HeldMessage>? unreadable = null;
        while (batches.Count < limit && _received.Reader.TryRead(out var held))
        {
            if (_mappers.TryMap(held.Message, held.Sequence, _queue.Name) is { } batch)
            {
                batches.Add(batch);
            }
            else
            {
                (unreadable ??= []).Add(held);
            }
        }

        if (_received.Reader.Count == 0)
        {
            SignalDrained();
        }

        if (unreadable is not null)
        {
            await _held.SetAsideAsync(unreadable, _options.DeleteUnreadableMessages, cancellationToken).ConfigureAwait(false);
        }

        return batches;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var delivered = new List<HeldMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message is SqsBatchContainer container && _held.TryGet(container.Sequence, out var held))
            {
                delivered.Add(held);
            }
        }

        // Not cancellable on purpose: a delete interrupted by shutdown would bring a processed message back.
        return _held.DeleteAsync(delivered, CancellationToken.None);
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_receiving, _keeping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        try
        {
            // Deletes that failed earlier get a last try; received-but-never-delivered messages go straight back to
            // SQS so the queue's next owner gets them now rather than after the visibility timeout. Messages still in
            // the agent's cache are left alone: they may have been processed, and reappear after the timeout.
            await _held.DeleteDeliveredAsync(CancellationToken.None).ConfigureAwait(false);
            var unread = new List<HeldMessage>();
            while (_received.Reader.TryRead(out var held))
            {
                unread.Add(held);
            }

            var returned = await _held.HandBackAsync(unread, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            _logger.LogStopped(_queue.Name, _queueId, returned, _held.Count);
        }
        finally
        {
            _held.ReleaseAll();
            _onShutdown(this);
            Dispose();
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _drained.Dispose();
    }

    /// <summary>Delivery of this batch failed for good: let SQS deliver its message again after the redelivery delay.</summary>
    public async Task ReturnForRedeliveryAsync(StreamSequenceToken token, StreamId streamId)
    {
        // Released first: even if SQS does not take it back, nothing extends it any more and it reappears at the end
        // of its current visibility timeout.
        if (!_held.Release(token.SequenceNumber, out var held))
        {
            return;
        }

        _logger.LogReturnedForRedelivery(held.Message.MessageId, streamId, _queue.Name, _options.RedeliveryDelay);
        await _held.HandBackAsync([held], _options.RedeliveryDelay, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var outage = new SqsReceiveOutage(_queue.Name, _options, _time, _logger);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                while (_received.Reader.Count > 0)
                {
                    await _drained.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                var messages = await _queue.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                outage.Succeeded();
                var visibleUntil = _time.GetUtcNow() + _options.VisibilityTimeout;
                foreach (var message in messages)
                {
                    _received.Writer.TryWrite(_held.Add(message, visibleUntil));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop must survive whatever SQS or the network throws, and retry.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                try
                {
                    await Task.Delay(outage.Failed(exception), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void SignalDrained()
    {
        if (_drained.CurrentCount == 0)
        {
            try
            {
                _drained.Release();
            }
            catch (SemaphoreFullException)
            {
                // Released concurrently: the loop is already told.
            }
        }
    }
}
