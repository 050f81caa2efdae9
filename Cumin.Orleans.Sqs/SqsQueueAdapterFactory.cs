using System.Collections.Concurrent;
using Amazon;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Builds the parts of an SQS persistent stream provider for Orleans: adapter, receivers, cache, queue mapper and
/// delivery-failure handler. Registered by <c>AddSqsStreams</c>; usable directly with <c>AddPersistentStreams(name,
/// SqsQueueAdapterFactory.Create, …)</c>.
/// </summary>
/// <remarks>
/// The SQS client is the keyed <see cref="IAmazonSQS"/> service registered under the provider name if there is one,
/// else a client built from <see cref="SqsStreamOptions.ServiceUrl"/> / <see cref="SqsStreamOptions.Region"/> or,
/// when those are empty, from the SDK's own resolution (<c>AWS_ENDPOINT_URL_SQS</c>, <c>AWS_REGION</c>, credentials chain).
/// </remarks>
public sealed class SqsQueueAdapterFactory : IQueueAdapterFactory
{
    private static readonly TimeSpan StartupLookupTimeout = TimeSpan.FromSeconds(15);

    private readonly string _name;
    private readonly SqsStreamOptions _options;
    private readonly IAmazonSQS _sqs;
    private readonly SqsStreamQueueMapper _queueMapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly OrleansBatchMessageMapper _batches;
    private readonly SqsMessageMappers _mappers;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<QueueId, SqsQueueAdapterReceiver> _receivers = new();

    private SqsQueueAdapterFactory(
        string name,
        SqsStreamOptions options,
        SimpleQueueCacheOptions cacheOptions,
        SqsMessageMappingOptions mappingOptions,
        IServiceProvider services)
    {
        _name = name;
        _options = options;
        _loggerFactory = services.GetRequiredService<ILoggerFactory>();
        _logger = _loggerFactory.CreateLogger<SqsQueueAdapterFactory>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _sqs = services.GetKeyedService<IAmazonSQS>(name) ?? CreateClient(options);
        var queueLogger = _loggerFactory.CreateLogger<SqsQueue>();
        _queueMapper = new SqsStreamQueueMapper(name, [.. options.GetQueueNames().Select(q => new SqsQueue(q, _sqs, options, queueLogger))]);
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, _loggerFactory);
        _batches = new OrleansBatchMessageMapper(services.GetRequiredService<Serializer>());
        _mappers = new SqsMessageMappers(
            [_batches, .. mappingOptions.Mappers.Select(factory => factory(services))],
            _loggerFactory.CreateLogger<SqsMessageMappers>());
    }

    /// <summary>Creates the factory of the provider named <paramref name="name"/> from its named options.</summary>
    public static SqsQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new SqsQueueAdapterFactory(
            name,
            services.GetOptionsByName<SqsStreamOptions>(name),
            services.GetOptionsByName<SimpleQueueCacheOptions>(name),
            services.GetOptionsByName<SqsMessageMappingOptions>(name),
            services);
    }

#pragma warning disable CS0618 // Required by the interface; the cancellable overload below does the work.
    /// <inheritdoc />
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);
#pragma warning restore CS0618

    /// <inheritdoc />
    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        await EnsureQueuesAsync(cancellationToken).ConfigureAwait(false);
        return new SqsQueueAdapter(_name, _queueMapper, _batches, CreateReceiver);
    }

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _queueMapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new SqsStreamFailureHandler(() => _receivers.GetValueOrDefault(queueId)));

    /// <summary>
    /// Looks every queue up, creating the missing ones when allowed, so they exist before the first message is sent.
    /// Bounded and forgiving: if SQS does not answer, the silo still starts, and receivers and producers look the
    /// queues up again on first use.
    /// </summary>
    private async Task EnsureQueuesAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartupLookupTimeout);
        try
        {
            await Task.WhenAll(_queueMapper.Queues.Select(q => q.GetUrlAsync(timeout.Token).AsTask())).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AmazonSQSException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger.LogQueuesNotReady(_name, exception);
        }
    }

    private SqsQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new SqsQueueAdapterReceiver(
            queueId,
            _queueMapper.GetQueue(queueId),
            _options,
            _mappers,
            _time,
            _loggerFactory.CreateLogger<SqsQueueAdapterReceiver>(),
            stopped => _receivers.TryRemove(new KeyValuePair<QueueId, SqsQueueAdapterReceiver>(stopped.QueueId, stopped)));
        _receivers[queueId] = receiver;
        return receiver;
    }

    private static AmazonSQSClient CreateClient(SqsStreamOptions options)
    {
        var config = new AmazonSQSConfig();
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            if (!string.IsNullOrWhiteSpace(options.Region))
            {
                config.AuthenticationRegion = options.Region;
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonSQSClient(config);
    }
}
