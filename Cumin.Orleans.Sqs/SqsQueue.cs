using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// One SQS queue of a provider: its name, and its URL once looked up (or created, when missing and allowed).
/// The URL is looked up lazily and again after the queue vanished, so a provider starts while SQS is still
/// unreachable and recovers from a recreated queue.
/// </summary>
internal sealed partial class SqsQueue
{
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
            LogQueueCreated(Name, created.QueueUrl);
            return created.QueueUrl;
        }
    }

    public override string ToString() => Name;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created SQS queue {QueueName} at {QueueUrl}")]
    private partial void LogQueueCreated(string queueName, string queueUrl);
}
