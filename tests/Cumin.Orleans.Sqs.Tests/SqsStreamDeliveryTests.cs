using System.Text.Json;
using Orleans.Runtime;

namespace Cumin.Orleans.Sqs.Tests;

/// <summary>End to end through fauxqs: producers on one side, the implicitly subscribed inbox grain on the other.</summary>
public sealed class SqsStreamDeliveryTests(SqsStreamClusterFixture fixture) : IClassFixture<SqsStreamClusterFixture>
{
    private static string NewId(string prefix) => $"{prefix}{Guid.NewGuid():N}";

    private static string ExportCompletedJson(string userId, string exportId) => JsonSerializer.Serialize(new
    {
        type = "export.completed",
        userId,
        exportId,
        projectId = "p1",
        url = "https://exports.example/e1.csv?X-Amz-Signature=abc",
        urlExpiresAt = "2026-01-01T10:00:00Z",
        taskCount = 3,
        error = (string?)null,
    });

    private Task<InboxSnapshot> InboxWhen(string userId, Func<InboxSnapshot, bool> done) =>
        Eventually.ReadUntil(() => fixture.Inbox(userId).GetAsync(), done);

    [Fact]
    public async Task Plain_json_from_a_non_Orleans_producer_reaches_the_grain_of_its_user_and_leaves_the_queue()
    {
        var userId = NewId("u-");
        var sent = await fixture.SendRawAsync(ExportCompletedJson(userId, "e1"));

        var inbox = await InboxWhen(userId, s => s.Exports.Count > 0);

        var export = Assert.Single(inbox.Exports);
        Assert.Equal(new ExportNotification("export.completed", userId, "e1", "p1", "https://exports.example/e1.csv?X-Amz-Signature=abc",
            new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), 3, null), export);
        var delivery = Assert.Single(inbox.Deliveries);
        Assert.Equal(sent.MessageId, delivery.MessageId);
        Assert.Equal(1, delivery.ReceiveCount);
        Assert.Equal(0, await Eventually.ReadUntil(() => fixture.MessagesInQueueAsync(0), n => n == 0));
    }

    [Fact]
    public async Task Event_produced_on_an_Orleans_stream_reaches_the_implicit_subscriber_with_its_request_context()
    {
        var userId = NewId("u-");
        var stream = fixture.Client.GetStreamProvider(SqsStreamClusterFixture.ProviderName)
            .GetStream<ExportNotification>(StreamId.Create(SqsStreamClusterFixture.StreamNamespace, userId));

        RequestContext.Set(NotificationInboxGrain.TraceKey, "trace-42");
        try
        {
            await stream.OnNextAsync(new ExportNotification("export.failed", userId, "e9", "p2", null, null, null, "S3 unavailable"));
        }
        finally
        {
            RequestContext.Clear();
        }

        var inbox = await InboxWhen(userId, s => s.Exports.Count > 0);

        var export = Assert.Single(inbox.Exports);
        Assert.Equal("export.failed", export.Type);
        Assert.Equal("S3 unavailable", export.Error);
        var delivery = Assert.Single(inbox.Deliveries);
        Assert.False(string.IsNullOrEmpty(delivery.MessageId));
        Assert.Equal("trace-42", delivery.Trace);
        Assert.Equal(0, await Eventually.ReadUntil(fixture.MessagesInAllQueuesAsync, n => n == 0));
    }

    [Fact]
    public async Task Consumer_that_throws_on_first_delivery_gets_the_message_again_and_it_is_deleted_after_success()
    {
        var userId = NewId("flaky-");
        var sent = await fixture.SendRawAsync(ExportCompletedJson(userId, "e1"), queue: 1);

        var inbox = await InboxWhen(userId, s => s.Exports.Count > 0);

        Assert.Equal([false, true], inbox.Deliveries.Select(d => d.Accepted));
        Assert.All(inbox.Deliveries, d => Assert.Equal(sent.MessageId, d.MessageId));
        Assert.Single(inbox.Exports);
        Assert.Equal(0, await Eventually.ReadUntil(() => fixture.MessagesInQueueAsync(1), n => n == 0));
    }

    [Fact]
    public async Task Message_whose_delivery_fails_for_good_comes_back_from_SQS_and_is_deleted_only_after_success()
    {
        var userId = NewId("stubborn-");
        var sent = await fixture.SendRawAsync(ExportCompletedJson(userId, "e1"), queue: 2);

        var inbox = await InboxWhen(userId, s => s.Exports.Count > 0);

        // Orleans retried on the first receive and gave up; the message was not deleted but received again from SQS.
        Assert.All(inbox.Deliveries, d => Assert.Equal(sent.MessageId, d.MessageId));
        Assert.Contains(inbox.Deliveries, d => !d.Accepted && d.ReceiveCount == 1);
        var accepted = Assert.Single(inbox.Deliveries, d => d.Accepted);
        Assert.True(accepted.ReceiveCount >= 2, $"accepted on receive {accepted.ReceiveCount}");
        Assert.Single(inbox.Exports);
        Assert.Equal(0, await Eventually.ReadUntil(() => fixture.MessagesInQueueAsync(2), n => n == 0));
    }

    [Fact]
    public async Task Same_body_sent_twice_is_delivered_twice_and_the_consumer_deduping_by_export_id_keeps_one()
    {
        var userId = NewId("u-");
        var body = ExportCompletedJson(userId, "e1");
        var first = await fixture.SendRawAsync(body);
        var second = await fixture.SendRawAsync(body);

        var inbox = await InboxWhen(userId, s => s.Deliveries.Count >= 2);

        Assert.Equal(
            new[] { first.MessageId, second.MessageId }.Order(),
            inbox.Deliveries.Select(d => d.MessageId).Order());
        Assert.All(inbox.Deliveries, d => Assert.True(d.Accepted));
        Assert.Equal("e1", Assert.Single(inbox.Exports).ExportId);
    }

    [Fact]
    public async Task Malformed_body_is_set_aside_and_does_not_block_later_messages()
    {
        var userId = NewId("u-");
        var poison = await fixture.SendRawAsync("{ this is not json");
        var noKey = await fixture.SendRawAsync("""{"type":"export.completed","exportId":"e0"}""");
        await fixture.SendRawAsync(ExportCompletedJson(userId, "e2"));

        var inbox = await InboxWhen(userId, s => s.Exports.Count > 0);

        Assert.Equal("e2", Assert.Single(inbox.Exports).ExportId);
        Assert.Equal(0, await Eventually.ReadUntil(() => fixture.MessagesInQueueAsync(0), n => n == 0));
        var unreadable = fixture.Logs.Lines.Where(l => l.EventName == "LogUnreadable").Select(l => l.Message).ToList();
        Assert.Contains(unreadable, m => m.Contains(poison.MessageId, StringComparison.Ordinal));
        Assert.Contains(unreadable, m => m.Contains(noKey.MessageId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_spread_over_several_queues_all_arrive()
    {
        var userId = NewId("u-");
        for (var queue = 0; queue < SqsStreamClusterFixture.QueueCount; queue++)
        {
            await fixture.SendRawAsync(ExportCompletedJson(userId, $"e{queue}"), queue);
        }

        var inbox = await InboxWhen(userId, s => s.Exports.Count >= SqsStreamClusterFixture.QueueCount);

        Assert.Equal(["e0", "e1", "e2"], inbox.Exports.Select(e => e.ExportId).Order());
        Assert.Equal(0, await Eventually.ReadUntil(fixture.MessagesInAllQueuesAsync, n => n == 0));
    }
}
