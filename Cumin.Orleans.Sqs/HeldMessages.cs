using System.Collections.Concurrent;
using Amazon.SQS.Model;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// The messages one receiver took from its queue and keeps invisible to other readers (a lease on each, renewed by
/// extending its visibility timeout) until they are deleted after delivery or handed back to SQS.
/// </summary>
/// <remarks>
/// A message is ours for <see cref="SqsStreamOptions.VisibilityTimeout"/> after each receive or extension. Every third
/// of that, <see cref="KeepAsync"/> retries the deletes that failed and extends the messages whose timeout is less than
/// half away, so messages waiting in the agent's cache behind a slow consumer stay ours. Whatever is lost track of (a
/// failed request, a dead silo) reappears in the queue after its timeout: at-least-once delivery.
/// </remarks>
internal sealed class HeldMessages
{
    private readonly ConcurrentDictionary<long, HeldMessage> _held = new();
    private readonly SqsQueue _queue;
    private readonly TimeSpan _visibilityTimeout;
    private readonly TimeProvider _time;

    /// <summary>
    /// Sequence numbers follow the receive order. They start from the clock so that a receiver created again for the
    /// same queue (after a rebalance) never reuses a number a late failure report could still name.
    /// </summary>
    private long _lastSequence;

    public HeldMessages(SqsQueue queue, TimeSpan visibilityTimeout, TimeProvider time)
    {
        _queue = queue;
        _visibilityTimeout = visibilityTimeout;
        _time = time;
        _lastSequence = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    public int Count => _held.Count;

    /// <summary>Takes a message just received, invisible until <paramref name="visibleUntil"/>.</summary>
    public HeldMessage Add(Message message, DateTimeOffset visibleUntil)
    {
        var held = new HeldMessage(Interlocked.Increment(ref _lastSequence), message, visibleUntil);
        _held[held.Sequence] = held;
        return held;
    }

    public bool TryGet(long sequence, out HeldMessage held) => _held.TryGetValue(sequence, out held!);

    /// <summary>Stops keeping the message: it reappears at the end of its current visibility timeout.</summary>
    public bool Release(long sequence, out HeldMessage held) => _held.TryRemove(sequence, out held!);

    public void ReleaseAll() => _held.Clear();

    /// <summary>Deletes messages that were processed (or are unreadable and to be deleted).</summary>
    /// <remarks>Those whose request failed stay held, marked delivered: <see cref="KeepAsync"/> retries them and
    /// extends nothing for them meanwhile, so at worst SQS delivers them once more.</remarks>
    public async Task DeleteAsync(IReadOnlyList<HeldMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var held in messages)
        {
            held.Delivered = true;
        }

        var result = await _queue.DeleteAsync(Receipts(messages), cancellationToken).ConfigureAwait(false);
        foreach (var held in messages)
        {
            if (!result.Unsent.Contains(held.EntryId))
            {
                _held.TryRemove(held.Sequence, out _);
            }
        }
    }

    /// <summary>Deletes what was delivered but could not be deleted yet.</summary>
    public Task DeleteDeliveredAsync(CancellationToken cancellationToken) =>
        DeleteAsync([.. _held.Values.Where(h => h.Delivered)], cancellationToken);

    /// <summary>Unreadable messages: deleted, or left for the queue's redrive policy.</summary>
    public Task SetAsideAsync(IReadOnlyList<HeldMessage> unreadable, bool delete, CancellationToken cancellationToken)
    {
        if (delete)
        {
            return DeleteAsync(unreadable, cancellationToken);
        }

        // No longer kept invisible, each comes back after its visibility timeout until SQS moves it to the dead-letter
        // queue. Later messages do not wait for it.
        foreach (var held in unreadable)
        {
            _held.TryRemove(held.Sequence, out _);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Hands messages back to SQS, which delivers them again after <paramref name="delay"/> (zero: at once). No longer
    /// ours either way. Returns how many SQS took back; the others reappear after their visibility timeout.
    /// </summary>
    public async Task<int> HandBackAsync(IReadOnlyList<HeldMessage> messages, TimeSpan delay, CancellationToken cancellationToken)
    {
        foreach (var held in messages)
        {
            _held.TryRemove(held.Sequence, out _);
        }

        var result = await _queue.ChangeVisibilityAsync(Receipts(messages), delay, cancellationToken).ConfigureAwait(false);
        return messages.Count(h => result.Succeeded(h.EntryId));
    }

    /// <summary>Every third of the visibility timeout: retries failed deletes and extends what would soon be visible again.</summary>
    public async Task KeepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_visibilityTimeout / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await DeleteDeliveredAsync(cancellationToken).ConfigureAwait(false);
                await ExtendDueAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ExtendDueAsync(CancellationToken cancellationToken)
    {
        // Counted from before the request: SQS starts its new timeout a little later, so ours errs early, the safe side.
        var now = _time.GetUtcNow();
        var due = _held.Values.Where(h => !h.Delivered && h.VisibleUntil - now <= _visibilityTimeout / 2).ToList();
        var result = await _queue.ChangeVisibilityAsync(Receipts(due), _visibilityTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var held in due.Where(h => result.Succeeded(h.EntryId)))
        {
            held.VisibleUntil = now + _visibilityTimeout;
        }
    }

    private static SqsReceipt[] Receipts(IReadOnlyList<HeldMessage> messages) =>
        [.. messages.Select(h => new SqsReceipt(h.EntryId, h.Message.ReceiptHandle))];
}

/// <summary>A received message a receiver keeps invisible.</summary>
internal sealed class HeldMessage(long sequence, Message message, DateTimeOffset visibleUntil)
{
    public long Sequence { get; } = sequence;

    /// <summary>The message's id within a batch request: its sequence number, unique within the receiver.</summary>
    public string EntryId { get; } = SqsReceipt.EntryIdOf(sequence);

    public Message Message { get; } = message;

    public DateTimeOffset VisibleUntil { get; set; } = visibleUntil;

    /// <summary>Processed (or unreadable and to be deleted): waits only for a successful delete.</summary>
    public bool Delivered { get; set; }
}
