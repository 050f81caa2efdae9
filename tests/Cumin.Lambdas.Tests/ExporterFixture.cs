using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Tests;

/// <summary>
/// The exporter against the real local stack: its own tables (tasks, projects, jobs) on DynamoDB Local, and its own
/// bucket and queue on fauxqs. Tests call the handler directly with crafted records.
/// </summary>
public sealed class ExporterFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<JsonElement> _messages = new();
    private readonly List<ServiceProvider> _providers = [];
    private string _queueUrl = "";

    public string Prefix { get; } = LocalStack.UniquePrefix("exp");

    public string Bucket { get; } = LocalStack.UniquePrefix("bucket").TrimEnd('-');

    public string QueueName => Prefix + "notifications";

    public AmazonDynamoDBClient DynamoDb { get; } = LocalStack.DynamoDb();

    public AmazonS3Client S3 { get; } = LocalStack.S3();

    public AmazonSQSClient Sqs { get; } = LocalStack.Sqs();

    public RecordingLoggerProvider Logs { get; } = new();

    public ExporterFunction Function { get; private set; } = null!;

    public string JobsTable => Prefix + TableNames.Jobs;

    public string ProjectsTable => Prefix + TableNames.Projects;

    public async Task InitializeAsync()
    {
        await Tables.CreateTasksAsync(DynamoDb, Prefix);
        await Tables.CreateProjectsAsync(DynamoDb, Prefix);
        await ExportTables.CreateJobsAsync(DynamoDb, Prefix);
        Function = Create();
        _queueUrl = (await Sqs.CreateQueueAsync(QueueName)).QueueUrl;
    }

    /// <summary>
    /// The exporter as <see cref="ExporterServiceCollectionExtensions.AddExporter"/> wires it, on this fixture's clients,
    /// tables, bucket and queue; <paramref name="settings"/> add or override configuration keys.
    /// </summary>
    public ExporterFunction Create(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cumin:Tables:Prefix"] = Prefix,
                ["Cumin:Exports:Bucket"] = Bucket,
                ["Cumin:Notifications:QueueName"] = QueueName,
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IAmazonDynamoDB>(DynamoDb)
            .AddSingleton<IAmazonS3>(S3)
            .AddSingleton<IAmazonSQS>(Sqs)
            .AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .AddExporter(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _providers.Add(provider);
        return provider.GetRequiredService<ExporterFunction>();
    }

    /// <summary>Every completion message sent so far for <paramref name="exportId"/> (the queue is drained into memory).</summary>
    public async Task<IReadOnlyList<JsonElement>> MessagesForAsync(string exportId)
    {
        while (true)
        {
            var received = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = _queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            if (received.Messages is not { Count: > 0 } messages)
            {
                break;
            }

            foreach (var message in messages)
            {
                _messages.Enqueue(JsonDocument.Parse(message.Body).RootElement.Clone());
                await Sqs.DeleteMessageAsync(_queueUrl, message.ReceiptHandle);
            }
        }

        return [.. _messages.Where(m => m.GetProperty("exportId").GetString() == exportId)];
    }

    public async Task DisposeAsync()
    {
        await Sqs.DeleteQueueAsync(_queueUrl);
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        DynamoDb.Dispose();
        S3.Dispose();
        Sqs.Dispose();
    }
}
