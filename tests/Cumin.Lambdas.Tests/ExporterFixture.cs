using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Tests;

/// <summary>
/// The exporter against the real local stack: its own tables (tasks, projects, jobs) on DynamoDB Local, and its own
/// bucket and queue on fauxqs. Tests call the handler directly with crafted records.
/// </summary>
public sealed class ExporterFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<JsonElement> _messages = new();
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
        Function = Create(new ExporterOptions { Bucket = Bucket, QueueName = QueueName });
        _queueUrl = (await Sqs.CreateQueueAsync(QueueName)).QueueUrl;
    }

    public ExporterFunction Create(ExporterOptions options) => new(
        DynamoDb, S3, Sqs, Options.Create(options), Options.Create(new TableOptions { Prefix = Prefix }),
        TimeProvider.System, Logs.CreateLogger<ExporterFunction>());

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
        DynamoDb.Dispose();
        S3.Dispose();
        Sqs.Dispose();
    }
}
