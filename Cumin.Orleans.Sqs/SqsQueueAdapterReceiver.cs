using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Reads one SQS queue (one Orleans partition) for the pulling agent that owns it.
/// </summary>
/// <remarks>
/// <para>
/// Long polling runs in a background loop of the receiver, not in <see cref="GetQueueMessagesAsync(int, CancellationToken)"/>.
/// The pulling agent purges its cache, and so lets us delete delivered messages, only at the start of each read; a
/// read that long-polled for 20 s would hold every delete back by as long, and would hold up the agent's shutdown.
/// So the loop waits on SQS for up to <see cref="SqsStreamOptions.WaitTime"/> (one request per 20 s while idle) and
/// hands over at most one receive's worth of messages; the agent's reads, every <c>GetQueueMsgsTimerPeriod</c>
/// (100 ms), only take what is already here, purge, and return at once. Shutdown cancels the long poll.
/// </para>
/// <para>
/// A message is deleted (in batches of ten) only in <see cref="MessagesDeliveredAsync(IList{IBatchContainer}, CancellationToken)"/>,
/// which the agent calls once every consumer processed it. Until then the receiver keeps it invisible by extending its
/// visibility timeout. If delivery fails for good, <see cref="SqsStreamFailureHandler"/> hands it back to SQS for
/// redelivery; if the silo dies, it reappears after the visibility timeout. Either way: at least once.
/// </para>
/// </remarks>
internal sealed partial class SqsQueueAdapterReceiver : IQueueAdapterReceiver, IDisposable
{
    private const int BatchLimit = 10;

    private readonly QueueId _queueId;
    private readonly SqsQueue _queue;
    private readonly IAmazonSQS _sqs;
    private readonly SqsStreamOptions _options;
    private readonly IReadOnlyList<ISqsMessageMapper> _mappers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<SqsQueueAdapterReceiver> _onShutdown;

    /// <summary>Received and not yet taken by the agent: at most one receive's worth.</summary>
    private readonly Channel<HeldMessage> _received = Channel.CreateUnbounded<HeldMessage>(new UnboundedChannelOptions { SingleWriter = true });

    /// <summary>Released by the agent's read when it took everything, so the loop receives again.</summary>
    private readonly SemaphoreSlim _drained = new(0, 1);

    /// <summary>Every message this receiver keeps invisible, by sequence number, until deleted or handed back.</summary>
    private readonly ConcurrentDictionary<long, HeldMessage> _held = new();

    private readonly CancellationTokenSource _stopping = new();
    private Task _receiving = Task.CompletedTask;
    private Task _keeping = Task.CompletedTask;

    /// <summary>
    /// Sequence numbers follow the receive order. They start from the clock so that a receiver created again for the
    /// same queue (after a rebalance) never reuses a number a late failure report could still name.
    /// </summary>
    private long _lastSequence;

    public SqsQueueAdapterReceiver(
        QueueId queueId,
        SqsQueue queue,
        IAmazonSQS sqs,
        SqsStreamOptions options,
        IReadOnlyList<ISqsMessageMapper> mappers,
        TimeProvider time,
        ILogger logger,
        Action<SqsQueueAdapterReceiver> onShutdown)
    {
        _queueId = queueId;
        _queue = queue;
        _sqs = sqs;
        _options = options;
        _mappers = mappers;
        _time = time;
        _logger = logger;
        _onShutdown = onShutdown;
        _lastSequence = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
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
        _keeping = Task.Run(() => KeepHeldMessagesAsync(_stopping.Token), CancellationToken.None);
        LogStarted(_queue.Name, _queueId);
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
            if (TryMap(held) is { } batch)
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
            await SetAsideUnreadableAsync(unreadable, cancellationToken).ConfigureAwait(false);
        }

        return batches;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var delivered = new List<HeldMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message is SqsBatchContainer container && _held.TryGetValue(container.Sequence, out var held))
            {
                held.Delivered = true;
                delivered.Add(held);
            }
        }

        // Not cancellable on purpose: a delete interrupted by shutdown would bring a processed message back.
        await DeleteAsync(delivered, CancellationToken.None).ConfigureAwait(false);
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
            await DeleteAsync([.. _held.Values.Where(h => h.Delivered)], CancellationToken.None).ConfigureAwait(false);
            var unread = new List<HeldMessage>();
            while (_received.Reader.TryRead(out var held))
            {
                unread.Add(held);
            }

            await ChangeVisibilityAsync(unread, TimeSpan.Zero, extend: false, CancellationToken.None).ConfigureAwait(false);
            LogStopped(_queue.Name, _queueId, unread.Count, _held.Count);
        }
        catch (Exception exception) when (exception is AmazonSQSException or HttpRequestException or OperationCanceledException)
        {
            LogShutdownCleanupFailed(_queue.Name, exception);
        }
        finally
        {
            _held.Clear();
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
        // Dropped from the held set first: even if the call below fails, nothing extends it any more and it
        // reappears at the end of its current visibility timeout.
        if (!_held.TryRemove(token.SequenceNumber, out var held))
        {
            return;
        }

        LogReturnedForRedelivery(held.Message.MessageId, streamId, _queue.Name, _options.RedeliveryDelay);
        try
        {
            await ChangeVisibilityAsync([held], _options.RedeliveryDelay, extend: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AmazonSQSException or HttpRequestException or OperationCanceledException)
        {
            LogVisibilityChangeFailed(_queue.Name, exception);
        }
    }

    private SqsBatchContainer? TryMap(HeldMessage held)
    {
        var message = held.Message;
        try
        {
            foreach (var mapper in _mappers)
            {
                if (mapper.Map(message) is { } mapped)
                {
                    return new SqsBatchContainer(
                        mapped.StreamId,
                        [.. mapped.Events],
                        mapped.RequestContext is null ? null : new Dictionary<string, object>(mapped.RequestContext, StringComparer.Ordinal),
                        new EventSequenceTokenV2(held.Sequence),
                        message.MessageId,
                        ReceiveCount(message));
                }
            }

            LogNoMapper(message.MessageId, _queue.Name, Excerpt(message.Body));
        }
#pragma warning disable CA1031 // A mapper may throw anything on a bad body; whatever it is, the message is unreadable.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogUnreadable(message.MessageId, _queue.Name, Excerpt(message.Body), exception);
        }

        return null;
    }

    private async Task SetAsideUnreadableAsync(List<HeldMessage> unreadable, CancellationToken cancellationToken)
    {
        if (!_options.DeleteUnreadableMessages)
        {
            // Left for the redrive policy: no longer kept invisible, it comes back after the visibility timeout until
            // SQS moves it to the dead-letter queue. Later messages do not wait for it.
            foreach (var held in unreadable)
            {
                _held.TryRemove(held.Sequence, out _);
            }

            return;
        }

        foreach (var held in unreadable)
        {
            held.Delivered = true;
        }

        await DeleteAsync(unreadable, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = _options.MinErrorBackoff;
        var failingSince = (DateTimeOffset?)null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                while (_received.Reader.Count > 0)
                {
                    await _drained.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                var url = await _queue.GetUrlAsync(cancellationToken).ConfigureAwait(false);
                var response = await _sqs.ReceiveMessageAsync(
                    new ReceiveMessageRequest
                    {
                        QueueUrl = url,
                        MaxNumberOfMessages = _options.MaxNumberOfMessages,
                        WaitTimeSeconds = (int)_options.WaitTime.TotalSeconds,
                        VisibilityTimeout = (int)Math.Ceiling(_options.VisibilityTimeout.TotalSeconds),
                        MessageAttributeNames = ["All"],
                        MessageSystemAttributeNames = ["All"],
                    },
                    cancellationToken).ConfigureAwait(false);

                if (failingSince is { } since)
                {
                    var outage = _time.GetUtcNow() - since;
                    LogReceiveRecovered(_queue.Name, outage);
                    failingSince = null;
                    backoff = _options.MinErrorBackoff;
                }

                var visibleUntil = _time.GetUtcNow() + _options.VisibilityTimeout;
                foreach (var message in response.Messages ?? [])
                {
                    var held = new HeldMessage(Interlocked.Increment(ref _lastSequence), message, visibleUntil);
                    _held[held.Sequence] = held;
                    _received.Writer.TryWrite(held);
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
                if (exception is QueueDoesNotExistException)
                {
                    _queue.Forget();
                }

                if (failingSince is null)
                {
                    failingSince = _time.GetUtcNow();
                    LogReceiveFailed(_queue.Name, backoff, exception);
                }
                else
                {
                    LogReceiveStillFailing(_queue.Name, backoff, exception);
                }

                try
                {
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxErrorBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// Every third of the visibility timeout: retries deletes that failed, and extends the visibility of held messages
    /// whose timeout is less than half away, so messages waiting in the cache behind a slow consumer stay ours.
    /// </summary>
    private async Task KeepHeldMessagesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.VisibilityTimeout / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await DeleteAsync([.. _held.Values.Where(h => h.Delivered)], cancellationToken).ConfigureAwait(false);
                    var now = _time.GetUtcNow();
                    var due = _held.Values.Where(h => !h.Delivered && h.VisibleUntil - now <= _options.VisibilityTimeout / 2).ToList();
                    await ChangeVisibilityAsync(due, _options.VisibilityTimeout, extend: true, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is AmazonSQSException or HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    LogVisibilityChangeFailed(_queue.Name, exception);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeleteAsync(IReadOnlyList<HeldMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var url = await _queue.GetUrlAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in messages.Chunk(BatchLimit))
        {
            DeleteMessageBatchResponse response;
            try
            {
                response = await _sqs.DeleteMessageBatchAsync(
                    new DeleteMessageBatchRequest
                    {
                        QueueUrl = url,
                        Entries = [.. chunk.Select(h => new DeleteMessageBatchRequestEntry(EntryId(h), h.Message.ReceiptHandle))],
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is AmazonSQSException or HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Still held and marked delivered: the keep-alive loop retries, and extends nothing for them meanwhile,
                // so at worst SQS delivers them once more (at-least-once).
                LogDeleteFailed(chunk.Length, _queue.Name, exception);
                continue;
            }

            foreach (var held in chunk)
            {
                _held.TryRemove(held.Sequence, out _);
            }

            foreach (var failure in response.Failed ?? [])
            {
                // Typically an expired receipt handle: the message became visible again and will be delivered once more.
                LogDeleteEntryFailed(failure.Id, _queue.Name, failure.Code, failure.Message);
            }

            LogDeleted(chunk.Length - (response.Failed?.Count ?? 0), _queue.Name);
        }
    }

    /// <param name="extend">True: the messages stay ours, visible again only after <paramref name="visibility"/> unless
    /// extended again. False: they are handed back to SQS and forgotten.</param>
    private async Task ChangeVisibilityAsync(IReadOnlyList<HeldMessage> messages, TimeSpan visibility, bool extend, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var url = await _queue.GetUrlAsync(cancellationToken).ConfigureAwait(false);
        var seconds = (int)Math.Ceiling(visibility.TotalSeconds);
        foreach (var chunk in messages.Chunk(BatchLimit))
        {
            var response = await _sqs.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. chunk.Select(h => new ChangeMessageVisibilityBatchRequestEntry(EntryId(h), h.Message.ReceiptHandle) { VisibilityTimeout = seconds })],
                },
                cancellationToken).ConfigureAwait(false);

            var failed = new HashSet<string>((response.Failed ?? []).Select(f => f.Id), StringComparer.Ordinal);
            var visibleUntil = _time.GetUtcNow() + visibility;
            foreach (var held in chunk)
            {
                if (!extend)
                {
                    // Handed back to SQS: no longer ours to extend or delete.
                    _held.TryRemove(held.Sequence, out _);
                }
                else if (!failed.Contains(EntryId(held)))
                {
                    held.VisibleUntil = visibleUntil;
                }
            }

            foreach (var failure in response.Failed ?? [])
            {
                LogVisibilityEntryFailed(failure.Id, _queue.Name, failure.Code, failure.Message);
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

    private static string EntryId(HeldMessage held) => held.Sequence.ToString(CultureInfo.InvariantCulture);

    private static int ReceiveCount(Message message) =>
        message.Attributes is not null
        && message.Attributes.TryGetValue("ApproximateReceiveCount", out var text)
        && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;

    private static string Excerpt(string? body) =>
        body is null ? "(null)" : body.Length <= 200 ? body : string.Concat(body.AsSpan(0, 200), "…");

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading SQS queue {QueueName} for partition {QueueId}")]
    private partial void LogStarted(string queueName, QueueId queueId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped reading SQS queue {QueueName} for partition {QueueId}; returned {Returned} unread message(s) to SQS, left {Left} to their visibility timeout")]
    private partial void LogStopped(string queueName, QueueId queueId, int returned, int left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning up SQS queue {QueueName} at shutdown failed; its messages reappear after their visibility timeout")]
    private partial void LogShutdownCleanupFailed(string queueName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from SQS queue {QueueName} failed; retrying every {Backoff} at most until it answers")]
    private partial void LogReceiveFailed(string queueName, TimeSpan backoff, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Receiving from SQS queue {QueueName} still fails; next try in {Backoff}")]
    private partial void LogReceiveStillFailing(string queueName, TimeSpan backoff, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiving from SQS queue {QueueName} works again after {Outage}")]
    private partial void LogReceiveRecovered(string queueName, TimeSpan outage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable message {MessageId} in SQS queue {QueueName} set aside: {Body}")]
    private partial void LogUnreadable(string messageId, string queueName, string body, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No mapper recognises message {MessageId} in SQS queue {QueueName}; set aside as unreadable: {Body}")]
    private partial void LogNoMapper(string messageId, string queueName, string body);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} delivered message(s) from SQS queue {QueueName}")]
    private partial void LogDeleted(int count, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting {Count} delivered message(s) from SQS queue {QueueName} failed; will retry")]
    private partial void LogDeleteFailed(int count, string queueName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS did not delete entry {EntryId} from queue {QueueName}: {Code} {Reason}; it will be delivered again")]
    private partial void LogDeleteEntryFailed(string entryId, string queueName, string code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of message {MessageId} on stream {StreamId} failed for good; SQS queue {QueueName} delivers it again in {Delay}")]
    private partial void LogReturnedForRedelivery(string messageId, StreamId streamId, string queueName, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Changing message visibility in SQS queue {QueueName} failed")]
    private partial void LogVisibilityChangeFailed(string queueName, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS did not change the visibility of entry {EntryId} in queue {QueueName}: {Code} {Reason}")]
    private partial void LogVisibilityEntryFailed(string entryId, string queueName, string code, string reason);

    /// <summary>A received message this receiver keeps invisible.</summary>
    private sealed class HeldMessage(long sequence, Message message, DateTimeOffset visibleUntil)
    {
        public long Sequence { get; } = sequence;

        public Message Message { get; } = message;

        public DateTimeOffset VisibleUntil { get; set; } = visibleUntil;

        /// <summary>Processed (or unreadable and to be deleted): waits only for a successful delete.</summary>
        public bool Delivered { get; set; }
    }
}
