using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Testing;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs.Tests;

/// <summary>The receiver driven by hand: what happens while a message waits in the cache, and while SQS is away.</summary>
public sealed class SqsQueueAdapterReceiverTests
{
    private static string Notification(string userId, string exportId) =>
        JsonSerializer.Serialize(new { type = "export.completed", userId, exportId, projectId = "p1" });

    private static async Task<int> MessagesInQueueAsync(AmazonSQSClient sqs, string url)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = url,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        });
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    [Fact]
    public async Task Message_waiting_in_the_cache_stays_invisible_past_its_visibility_timeout_until_delivered()
    {
        var queueName = LocalStack.UniquePrefix("sqs-held") + "q";
        using var sqs = LocalStack.Sqs();
        await using var harness = await ReceiverHarness.StartAsync(options =>
        {
            options.QueueNames = [queueName];
            options.VisibilityTimeout = TimeSpan.FromSeconds(5);
            options.WaitTime = TimeSpan.FromSeconds(1);
        });
        var url = (await sqs.GetQueueUrlAsync(queueName)).QueueUrl;
        await sqs.SendMessageAsync(url, Notification("u1", "e1"));

        var batch = Assert.Single(await harness.ReadAsync(1));

        // Another reader polls for over two visibility timeouts while the batch sits undelivered: it must find nothing.
        var stolen = new List<Message>();
        for (var i = 0; i < 2; i++)
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 6, MaxNumberOfMessages = 10 });
            stolen.AddRange(response.Messages ?? []);
        }

        Assert.Empty(stolen);
        await harness.Receiver.MessagesDeliveredAsync([batch], CancellationToken.None);
        Assert.Equal(0, await Eventually.ReadUntil(() => MessagesInQueueAsync(sqs, url), n => n == 0));
        await sqs.DeleteQueueAsync(url);
    }

    [Fact]
    public async Task Receiver_backs_off_while_SQS_is_down_and_resumes_when_it_returns()
    {
        await using var fauxqs = await PrivateFauxqs.StartAsync();
        using var sqs = fauxqs.Client();
        const string queueName = "outage";
        await using var harness = await ReceiverHarness.StartAsync(options =>
        {
            options.QueueNames = [queueName];
            options.ServiceUrl = fauxqs.Url;
            options.Region = "us-east-1";
            options.WaitTime = TimeSpan.FromSeconds(1);
            options.MinErrorBackoff = TimeSpan.FromMilliseconds(200);
            options.MaxErrorBackoff = TimeSpan.FromSeconds(1);
        });
        var url = (await sqs.GetQueueUrlAsync(queueName)).QueueUrl;
        await sqs.SendMessageAsync(url, Notification("u1", "before"));
        var before = Assert.Single(await harness.ReadAsync(1));
        await harness.Receiver.MessagesDeliveredAsync([before], CancellationToken.None);

        await fauxqs.StopAsync();
        var failures = await Eventually.ReadUntil(
            () => Task.FromResult(harness.Logs.Lines.Count(l => l.EventName == "LogReceiveFailed")), n => n > 0);
        Assert.Equal(1, failures);
        Assert.Empty(await harness.Receiver.GetQueueMessagesAsync(10, CancellationToken.None));

        // SQS comes back empty (fauxqs keeps nothing): the receiver finds the queue gone and creates it again.
        await fauxqs.StartAgainAsync();
        var recreated = (await sqs.CreateQueueAsync(queueName)).QueueUrl;
        await sqs.SendMessageAsync(recreated, Notification("u1", "after"));

        var after = Assert.Single(await harness.ReadAsync(1));
        Assert.Equal("after", Assert.Single(after.GetEvents<ExportNotification>()).Item1.ExportId);
        Assert.Contains(harness.Logs.Lines, l => l.EventName == "LogReceiveRecovered" && l.Level == LogLevel.Information);
        Assert.Equal(1, harness.Logs.Lines.Count(l => l.EventName == "LogReceiveFailed"));
        await harness.Receiver.MessagesDeliveredAsync([after], CancellationToken.None);
        Assert.Equal(0, await Eventually.ReadUntil(() => MessagesInQueueAsync(sqs, recreated), n => n == 0));
    }

    [Fact]
    public async Task Orleans_batches_on_a_fifo_queue_arrive_in_order_with_their_request_context()
    {
        var queueName = LocalStack.UniquePrefix("sqs-fifo") + "q.fifo";
        using var sqs = LocalStack.Sqs();
        await using var harness = await ReceiverHarness.StartAsync(options =>
        {
            options.QueueNames = [queueName];
            options.WaitTime = TimeSpan.FromSeconds(1);
        });
        var stream = StreamId.Create(SqsStreamClusterFixture.StreamNamespace, "u-fifo");
        for (var i = 0; i < 5; i++)
        {
            var notification = new ExportNotification("export.completed", "u-fifo", $"e{i}", "p1", null, null, i, null);
            await harness.Adapter.QueueMessageBatchAsync(stream, [notification], null, new Dictionary<string, object> { ["n"] = i });
        }

        // FIFO holds back later messages of a group until earlier ones are deleted: acknowledge as the agent would.
        var received = new List<ReceivedExport>();
        await Eventually.ReadUntil(
            async () =>
            {
                var batches = await harness.Receiver.GetQueueMessagesAsync(10, CancellationToken.None);
                received.AddRange(batches.Select(Read));
                await harness.Receiver.MessagesDeliveredAsync(batches, CancellationToken.None);
                return received.Count;
            },
            n => n >= 5);

        Assert.Equal(["e0", "e1", "e2", "e3", "e4"], received.Select(r => r.ExportId));
        Assert.Equal([0, 1, 2, 3, 4], received.Select(r => r.ProducerContext));
        Assert.All(received, r => Assert.Equal(stream, r.StreamId));
        Assert.All(received, r => Assert.False(string.IsNullOrEmpty(r.MessageId)));
        var url = (await sqs.GetQueueUrlAsync(queueName)).QueueUrl;
        Assert.Equal(0, await Eventually.ReadUntil(() => MessagesInQueueAsync(sqs, url), n => n == 0));
        await sqs.DeleteQueueAsync(url);
    }

    private static ReceivedExport Read(IBatchContainer batch)
    {
        Assert.True(batch.ImportRequestContext());
        try
        {
            return new ReceivedExport(
                batch.StreamId,
                Assert.Single(batch.GetEvents<ExportNotification>()).Item1.ExportId,
                RequestContext.Get("n") as int?,
                SqsRequestContext.MessageId);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    private sealed record ReceivedExport(StreamId StreamId, string ExportId, int? ProducerContext, string? MessageId);
}
