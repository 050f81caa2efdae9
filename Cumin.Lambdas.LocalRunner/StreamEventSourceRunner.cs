using Amazon.DynamoDBv2;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// The local stand-in for Lambda's DynamoDB Streams event-source mappings: reads every registered table's stream
/// from DynamoDB Local and invokes the mapped function through the same Stream-in, Stream-out entry point.
/// </summary>
public sealed class StreamEventSourceRunner(
    IServiceProvider services,
    IEnumerable<EventSourceMapping> mappings,
    IAmazonDynamoDB dynamoDb,
    DynamoDbStreamsClient streams,
    StreamCheckpointStore checkpoints,
    IOptions<EventSourceRunnerOptions> options,
    IOptions<TableOptions> tables,
    TimeProvider timeProvider,
    ILogger<StreamEventSourceRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pollers = mappings.Select(mapping => new TableStreamPoller(
                mapping,
                mapping.Function(services),
                tables.Value.NameOf(mapping.Table),
                dynamoDb,
                streams,
                checkpoints,
                options.Value,
                timeProvider,
                logger))
            .Select(poller => Task.Run(() => poller.RunAsync(stoppingToken), CancellationToken.None))
            .ToList();
        RunnerLog.RunnerStarted(logger, pollers.Count, streams.Endpoint);
        await Task.WhenAll(pollers);
    }
}
