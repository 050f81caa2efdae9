using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// One SQS queue of a provider and every call the provider makes to it: send, receive, and delete or change the
/// visibility of received messages in batches of ten (SQS's limit per request). Its URL is looked up lazily (the queue
/// created when missing and allowed) and again after the queue vanished, so a provider starts while SQS is still
/// unreachable and recovers from a recreated queue.
/// </summary>
internal sealed class SqsQueue
{
    /// <summary>SQS takes at most ten entries in one batch request.</summary>
    private const int BatchLimit = 10;

    private readonly IAmazonSQS _sqs;
    private readonly SqsStreamOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly bool _givenAsUrl;
    private volatile string? _url;
    private Task<string>? _lookup;

    public SqsQueue(string nameOrUrl, IAmazonSQS sqs, SqsStreamOptions options, ILogger logger)
    {
        _sqs = sqs;
        _options = options;
        _logger = logger;
        if (IsUrl(nameOrUrl))
        {
            _givenAsUrl = true;
            _url = nameOrUrl;
            Name = new Uri(nameOrUrl).Segments[^1].TrimEnd('/');
        }
        else
        {
            Name = nameOrUrl;
        }
    }

    public string Name { get; }

    /// <summary>FIFO queues need a message group on every send; the stream id is the group, keeping each stream in order.</summary>
    public bool IsFifo => Name.EndsWith(".fifo", StringComparison.Ordinal);

    public static bool IsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    public async ValueTask<string> GetUrlAsync(CancellationToken cancellationToken)
    {
        if (_url is { } known)
        {
            return known;
        }

        // One lookup at a time, shared by all callers; a caller giving up does not cancel it for the others.
        Task<string> lookup;
        lock (_gate)
        {
            lookup = _lookup ??= LookUpAsync(CancellationToken.None);
        }

        try
        {
            var url = await lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
            _url = url;
            return url;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_lookup == lookup)
                {
                    _lookup = null;
                }
            }

            throw;
        }
    }

    /// <summary>Called after SQS answered that the queue does not exist: the next use looks it up (or creates it) again.</summary>
    public void Forget()
    {
        if (_givenAsUrl)
        {
            return;
        }

        lock (_gate)
        {
            _url = null;
            _lookup = null;
        }
    }

    private async Task<string> LookUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var found = await _sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = Name }, cancellationToken).ConfigureAwait(false);
            return found.QueueUrl;
        }
        catch (QueueDoesNotExistException) when (_options.CreateQueues)
        {
            var request = new CreateQueueRequest
            {
                QueueName = Name,
                Attributes = new Dictionary<string, string>(_options.QueueAttributes, StringComparer.Ordinal),
            };
            if (IsFifo)
            {
                request.Attributes["FifoQueue"] = "true";
            }

            // CreateQueue is idempotent for identical attributes, so silos racing to create the queue all succeed.
            var created = await _sqs.CreateQueueAsync(request, cancellationToken).ConfigureAwait(false);
            _logger.LogQueueCreated(Name, created.QueueUrl);
            return created.QueueUrl;
        }
    }

    /// <summary>Sends one message; on a FIFO queue in the message group <paramref name="messageGroupId"/>.</summary>
    public async Task SendAsync(string body, Dictionary<string, MessageAttributeValue> attributes, string messageGroupId)
    {
        var request = new SendMessageRequest
        {
            QueueUrl = await GetUrlAsync(CancellationToken.None).ConfigureAwait(false),
            MessageBody = body,
            MessageAttributes = attributes,
        };
        if (IsFifo)
        {
            request.MessageGroupId = messageGroupId;
            request.MessageDeduplicationId = Guid.NewGuid().ToString("N");
        }

        try
        {
            await _sqs.SendMessageAsync(request).ConfigureAwait(false);
        }
        catch (QueueDoesNotExistException)
        {
            Forget();
            throw;
        }
    }

    /// <summary>One long poll: waits up to <see cref="SqsStreamOptions.WaitTime"/> for messages, with every attribute.</summary>
    public async Task<List<Message>> ReceiveAsync(CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest
                {
                    QueueUrl = url,
                    MaxNumberOfMessages = _options.MaxNumberOfMessages,
                    WaitTimeSeconds = (int)_options.WaitTime.TotalSeconds,
                    VisibilityTimeout = Seconds(_options.VisibilityTimeout),
                    MessageAttributeNames = ["All"],
                    MessageSystemAttributeNames = ["All"],
                },
                cancellationToken).ConfigureAwait(false);
            return response.Messages ?? [];
        }
        catch (QueueDoesNotExistException)
        {
            Forget();
            throw;
        }
    }

    /// <summary>
    /// Deletes received messages. A request that fails is logged and its entries come back in
    /// <see cref="SqsBatchResult.Unsent"/> to be tried again; an entry SQS refuses (typically an expired receipt handle:
    /// the message is visible again and will be delivered once more) is logged and comes back in <see cref="SqsBatchResult.Refused"/>.
    /// </summary>
    public async Task<SqsBatchResult> DeleteAsync(IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        var result = await InBatchesAsync(
            receipts,
            async (url, chunk, ct) => (await _sqs.DeleteMessageBatchAsync(
                new DeleteMessageBatchRequest { QueueUrl = url, Entries = [.. chunk.Select(r => new DeleteMessageBatchRequestEntry(r.EntryId, r.ReceiptHandle))] },
                ct).ConfigureAwait(false)).Failed,
            (count, exception) => _logger.LogDeleteFailed(count, Name, exception),
            failure => _logger.LogDeleteEntryFailed(failure.Id, Name, failure.Code, failure.Message),
            cancellationToken).ConfigureAwait(false);
        if (receipts.Count > result.Unsent.Count)
        {
            _logger.LogDeleted(receipts.Count - result.Unsent.Count - result.Refused.Count, Name);
        }

        return result;
    }

    /// <summary>
    /// Makes received messages visible again after <paramref name="visibility"/> (zero: now). Failures are logged and
    /// reported as for <see cref="DeleteAsync"/>; either way such a message reappears after its current timeout at the latest.
    /// </summary>
    public Task<SqsBatchResult> ChangeVisibilityAsync(IReadOnlyList<SqsReceipt> receipts, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var seconds = Seconds(visibility);
        return InBatchesAsync(
            receipts,
            async (url, chunk, ct) => (await _sqs.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. chunk.Select(r => new ChangeMessageVisibilityBatchRequestEntry(r.EntryId, r.ReceiptHandle) { VisibilityTimeout = seconds })],
                },
                ct).ConfigureAwait(false)).Failed,
            (count, exception) => _logger.LogVisibilityChangeFailed(count, Name, exception),
            failure => _logger.LogVisibilityEntryFailed(failure.Id, Name, failure.Code, failure.Message),
            cancellationToken);
    }

    public override string ToString() => Name;

    private static int Seconds(TimeSpan value) => (int)Math.Ceiling(value.TotalSeconds);

    /// <summary>
    /// Sends <paramref name="receipts"/> ten to a request. A request failing for a reason worth retrying (SQS or the
    /// network away, an SDK timeout) does not stop the ones after it. Cancellation through <paramref name="cancellationToken"/>
    /// ends the whole call.
    /// </summary>
    private async Task<SqsBatchResult> InBatchesAsync(
        IReadOnlyList<SqsReceipt> receipts,
        Func<string, SqsReceipt[], CancellationToken, Task<List<BatchResultErrorEntry>?>> send,
        Action<int, Exception> requestFailed,
        Action<BatchResultErrorEntry> entryRefused,
        CancellationToken cancellationToken)
    {
        if (receipts.Count == 0)
        {
            return SqsBatchResult.Empty;
        }

        var unsent = new HashSet<string>(StringComparer.Ordinal);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in receipts.Chunk(BatchLimit))
        {
            try
            {
                var url = await GetUrlAsync(cancellationToken).ConfigureAwait(false);
                foreach (var failure in await send(url, chunk, cancellationToken).ConfigureAwait(false) ?? [])
                {
                    refused.Add(failure.Id);
                    entryRefused(failure);
                }
            }
            catch (Exception exception) when (exception is AmazonSQSException or HttpRequestException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                requestFailed(chunk.Length, exception);
                unsent.UnionWith(chunk.Select(r => r.EntryId));
            }
        }

        return new SqsBatchResult(unsent, refused);
    }
}

/// <summary>A received message as SQS's batch requests name it: an entry id unique within the request, and its receipt handle.</summary>
internal readonly record struct SqsReceipt(string EntryId, string ReceiptHandle)
{
    public static string EntryIdOf(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What became of the entries of a batch call: those whose request failed, and those SQS refused.</summary>
internal sealed record SqsBatchResult(IReadOnlySet<string> Unsent, IReadOnlySet<string> Refused)
{
    public static SqsBatchResult Empty { get; } = new(new HashSet<string>(), new HashSet<string>());

    /// <summary>Whether SQS did what was asked for this entry.</summary>
    public bool Succeeded(string entryId) => !Unsent.Contains(entryId) && !Refused.Contains(entryId);
}
