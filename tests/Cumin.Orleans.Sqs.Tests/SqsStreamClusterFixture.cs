using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Cumin.Orleans.Sqs.Tests;

/// <summary>
/// One silo and a client on an SQS stream provider over three fauxqs queues of this fixture's own, with the JSON
/// mapping the silo uses for export notifications. The SDK finds fauxqs through <c>AWS_ENDPOINT_URL_SQS</c>.
/// </summary>
public sealed class SqsStreamClusterFixture : IAsyncLifetime
{
    public const string ProviderName = "sqs";
    public const string StreamNamespace = "user-notifications";
    public const int QueueCount = 3;

    private InProcessTestCluster? _cluster;

    public string QueuePrefix { get; } = LocalStack.UniquePrefix("sqs");

    public AmazonSQSClient Sqs { get; } = LocalStack.Sqs();

    public CapturingLoggerProvider Logs { get; } = new();

    public IReadOnlyList<string> QueueUrls { get; private set; } = [];

    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("Not started")).Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorage("PubSubStore")
            .AddSqsStreams(ProviderName, sqs => sqs
                .ConfigureSqs(options =>
                {
                    options.QueueNamePrefix = QueuePrefix;
                    options.QueueCount = QueueCount;
                    options.RedeliveryDelay = TimeSpan.FromSeconds(1);
                })
                .AddJsonMessageMapping<ExportNotification>(StreamNamespace, "userId")
                // Gives up on a failing consumer soon, so the test of SQS redelivery does not wait a minute.
                .ConfigurePullingAgent(agent => agent.Configure(o => o.MaxEventDeliveryTime = TimeSpan.FromSeconds(5)))));
        builder.ConfigureClient(client => client.AddSqsStreams(ProviderName, (SqsStreamOptions options) =>
        {
            options.QueueNamePrefix = QueuePrefix;
            options.QueueCount = QueueCount;
        }));
        _cluster = builder.Build();
        await _cluster.DeployAsync();

        // The provider created its queues on start; a non-Orleans producer only needs their URLs.
        var urls = new List<string>();
        for (var i = 0; i < QueueCount; i++)
        {
            urls.Add((await Sqs.GetQueueUrlAsync($"{QueuePrefix}{i}")).QueueUrl);
        }

        QueueUrls = urls;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }

        foreach (var url in QueueUrls)
        {
            await Sqs.DeleteQueueAsync(url);
        }

        Sqs.Dispose();
    }

    public INotificationInbox Inbox(string userId) => Client.GetGrain<INotificationInbox>(userId);

    /// <summary>Sends a body the way the exporter Lambda does: plain JSON, no Orleans attributes.</summary>
    public Task<SendMessageResponse> SendRawAsync(string body, int queue = 0) =>
        Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = QueueUrls[queue], MessageBody = body });

    /// <summary>Visible plus in-flight messages of a queue: 0 once everything sent there was deleted.</summary>
    public async Task<int> MessagesInQueueAsync(int queue)
    {
        var attributes = await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = QueueUrls[queue],
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        });
        return attributes.ApproximateNumberOfMessages
            + attributes.ApproximateNumberOfMessagesNotVisible
            + attributes.ApproximateNumberOfMessagesDelayed;
    }

    public async Task<int> MessagesInAllQueuesAsync()
    {
        var total = 0;
        for (var i = 0; i < QueueCount; i++)
        {
            total += await MessagesInQueueAsync(i);
        }

        return total;
    }
}
