using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs.Tests;

/// <summary>
/// The provider's factory, adapter and one receiver, driven by hand the way a pulling agent drives them, for
/// behaviour a cluster test cannot reach (an SQS outage, time spent in the cache).
/// </summary>
public sealed class ReceiverHarness : IAsyncDisposable
{
    private const string Name = "sqs-harness";

    private readonly ServiceProvider _services;

    private ReceiverHarness(ServiceProvider services, CapturingLoggerProvider logs, IQueueAdapter adapter, IQueueAdapterReceiver receiver)
    {
        _services = services;
        Logs = logs;
        Adapter = adapter;
        Receiver = receiver;
    }

    public CapturingLoggerProvider Logs { get; }

    public IQueueAdapter Adapter { get; }

    public IQueueAdapterReceiver Receiver { get; }

    public static async Task<ReceiverHarness> StartAsync(Action<SqsStreamOptions> configure)
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddSerializer();
        services.AddOptions<SqsStreamOptions>(Name).Configure(configure);
        services.AddOptions<SqsMessageMappingOptions>(Name).Configure(options =>
            options.Mappers.Add(_ => new JsonSqsMessageMapper<ExportNotification>(SqsStreamClusterFixture.StreamNamespace, "userId")));
        var provider = services.BuildServiceProvider();

        var factory = SqsQueueAdapterFactory.Create(provider, Name);
        var adapter = await factory.CreateAdapter(CancellationToken.None);
        var receiver = adapter.CreateReceiver(factory.GetStreamQueueMapper().GetAllQueues().First());
        await receiver.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        return new ReceiverHarness(provider, logs, adapter, receiver);
    }

    /// <summary>Reads like the pulling agent (every 100 ms) until <paramref name="count"/> batches arrived.</summary>
    public async Task<List<IBatchContainer>> ReadAsync(int count)
    {
        var batches = new List<IBatchContainer>();
        await Eventually.ReadUntil(
            async () =>
            {
                batches.AddRange(await Receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, CancellationToken.None));
                return batches.Count;
            },
            n => n >= count);
        return batches;
    }

    public async ValueTask DisposeAsync()
    {
        await Receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);
        await _services.DisposeAsync();
    }
}
