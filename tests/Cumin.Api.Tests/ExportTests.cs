using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Amazon.SQS.Model;
using CsvHelper;
using Cumin.Exports;
using Cumin.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Cumin.Api.Tests;

/// <summary>
/// Exports end to end on the real local stack: API → export-job grain → jobs table stream → ExporterFunction (the
/// runner in the fixture) → S3 and SQS → the SQS stream provider → the owner's user grain → SignalR.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiFixture fixture)
{
    [Fact]
    public async Task Export_of_1000_tasks_lands_in_S3_and_reaches_only_the_owners_connections()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync("Big one");
        var tasks = await SeedTasksAsync(projectId, 1000);
        await using var ownerTab = await NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, owner.AccessToken);
        await using var ownerPhone = await NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, owner.AccessToken);
        await using var strangerTab = await NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, stranger.AccessToken);

        var started = await owner.Client.PostAsync($"/api/projects/{projectId}/exports", null);
        var export = await HttpAssert.OkAsync(started, HttpStatusCode.Accepted);
        var exportId = export.GetProperty("id").GetString()!;
        Assert.Equal($"/api/exports/{exportId}", started.Headers.Location?.OriginalString);
        Assert.Equal("pending", export.GetProperty("status").GetString());
        Assert.Equal(projectId, export.GetProperty("projectId").GetString());
        foreach (var unknown in new[] { "completedAt", "taskCount", "url", "urlExpiresAt", "error" })
        {
            Assert.Equal(JsonValueKind.Null, export.GetProperty(unknown).ValueKind);
        }

        var notification = await ownerTab.WaitForAsync(exportId);
        Assert.NotNull(notification);
        var n = notification.Value;
        Assert.Equal("export.completed", n.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(n.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrEmpty(n.GetProperty("message").GetString()));
        Assert.EndsWith("Z", n.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        var data = n.GetProperty("data");
        Assert.Equal(projectId, data.GetProperty("projectId").GetString());
        Assert.Equal(1000, data.GetProperty("taskCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("error").ValueKind);
        var url = data.GetProperty("url").GetString()!;
        Assert.NotNull(await ownerPhone.WaitForAsync(exportId));

        var done = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/exports/{exportId}"));
        Assert.Equal("done", done.GetProperty("status").GetString());
        Assert.Equal(url, done.GetProperty("url").GetString());
        Assert.Equal(1000, done.GetProperty("taskCount").GetInt32());
        Assert.Equal(data.GetProperty("urlExpiresAt").GetString(), done.GetProperty("urlExpiresAt").GetString());

        // The presigned URL downloads over plain HTTP, without any credentials of ours.
        Assert.StartsWith("http://", url, StringComparison.Ordinal);
        using var http = new HttpClient();
        var file = await http.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        using var reader = CsvReader.Create(await file.Content.ReadAsByteArrayAsync(), CsvReaderOptions.Default with { Separator = ',' });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        Assert.Equal(["id", "title", "description", "status", "priority", "createdAt", "updatedAt", "assignee", "dueDate", "labels"], reader.Headers);
        Assert.Equal(tasks.Count, rows.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            Assert.Equal(tasks[i], rows[i]);
        }

        // The other user's connection saw nothing (by now it would have: every host sends to connections of one user only).
        await Task.Delay(500);
        Assert.Empty(strangerTab.Received);
    }

    [Fact]
    public async Task User_offline_at_completion_finds_the_notification_in_GET_notifications()
    {
        var user = await fixture.NewUserAsync("Offline");
        var projectId = await user.CreateProjectAsync();
        await user.CreateTaskAsync(projectId, "one");
        await user.CreateTaskAsync(projectId, "two");

        var exportId = (await HttpAssert.OkAsync(await user.Client.PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.Accepted))
            .GetProperty("id").GetString()!;

        var notifications = await Eventually(
            async () => await HttpAssert.OkAsync(await user.Client.GetAsync("/api/notifications")),
            body => body.GetProperty("items").GetArrayLength() > 0);
        var item = Assert.Single(notifications.GetProperty("items").EnumerateArray());
        Assert.Equal("export.completed", item.GetProperty("type").GetString());
        Assert.Equal(exportId, item.GetProperty("data").GetProperty("exportId").GetString());
        Assert.Equal(2, item.GetProperty("data").GetProperty("taskCount").GetInt32());
        Assert.Equal(
            ["id", "type", "createdAt", "message", "data"],
            item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["exportId", "projectId", "url", "urlExpiresAt", "taskCount", "error"],
            item.GetProperty("data").EnumerateObject().Select(p => p.Name));

        var export = await HttpAssert.OkAsync(await user.Client.GetAsync($"/api/exports/{exportId}"));
        Assert.Equal("done", export.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(export.GetProperty("completedAt").GetString()));
    }

    [Fact]
    public async Task Same_SQS_message_delivered_twice_yields_one_notification()
    {
        var user = await fixture.NewUserAsync("Twice");
        using var sqs = LocalStack.Sqs();
        var queueUrl = (await sqs.GetQueueUrlAsync(fixture.Settings["Cumin:Notifications:QueueName"])).QueueUrl;
        var exportId = Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(new
        {
            type = "export.completed",
            userId = user.Id,
            exportId,
            projectId = "p1",
            url = "http://example.invalid/file.csv",
            urlExpiresAt = "2030-01-01T00:00:00.000Z",
            taskCount = 7,
            error = (string?)null,
        });

        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body });
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body });

        // Both copies have been delivered once the queue holds neither (messages are deleted after delivery).
        await Eventually(async () => await MessagesInQueueAsync(sqs, queueUrl), count => count == 0);
        var notifications = await Eventually(
            async () => await HttpAssert.OkAsync(await user.Client.GetAsync("/api/notifications")),
            b => b.GetProperty("items").GetArrayLength() > 0);
        var item = Assert.Single(notifications.GetProperty("items").EnumerateArray());
        Assert.Equal(exportId, item.GetProperty("data").GetProperty("exportId").GetString());
        Assert.Equal(7, item.GetProperty("data").GetProperty("taskCount").GetInt32());
    }

    [Fact]
    public async Task User_keeps_the_newest_100_notifications_listed_newest_first()
    {
        var user = await fixture.NewUserAsync("Busy");
        using var sqs = LocalStack.Sqs();
        var queueUrl = (await sqs.GetQueueUrlAsync(fixture.Settings["Cumin:Notifications:QueueName"])).QueueUrl;
        foreach (var batch in Enumerable.Range(0, 105).Chunk(10))
        {
            await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. batch.Select(i => new SendMessageBatchRequestEntry($"m{i}", JsonSerializer.Serialize(new
                {
                    type = "export.failed", userId = user.Id, exportId = $"export-{i:D3}", projectId = "p1", url = (string?)null,
                    urlExpiresAt = (string?)null, taskCount = (int?)null, error = "The project does not exist (it may have been deleted).",
                })))],
            });
        }

        await Eventually(async () => await MessagesInQueueAsync(sqs, queueUrl), count => count == 0);
        var all = await HttpAssert.OkAsync(await user.Client.GetAsync("/api/notifications?limit=100"));
        var ids = all.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToList();
        Assert.Equal(100, ids.Count);
        Assert.Equal(ids.OrderByDescending(id => id, StringComparer.Ordinal), ids);
        Assert.Equal(100, all.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("data").GetProperty("exportId").GetString()).Distinct().Count());
        var page = await HttpAssert.OkAsync(await user.Client.GetAsync("/api/notifications"));
        Assert.Equal(ids.Take(50), page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Export_of_a_deleted_project_ends_failed_with_an_export_failed_notification()
    {
        var owner = await fixture.NewUserAsync("Deleter");
        var projectId = await owner.CreateProjectAsync();
        await owner.CreateTaskAsync(projectId);
        await using var tab = await NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, owner.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/projects/{projectId}")).StatusCode);
        await HttpAssert.ProblemAsync(await owner.Client.PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.NotFound);

        // The race the API cannot see: the project goes after the job was accepted. The job is created as the
        // owner's grain creates it, for the project that is now gone.
        var exportId = Cumin.Primitives.SortableId.Shared.Next();
        var grains = fixture.Api.Services.GetRequiredService<IGrainFactory>();
        var created = await grains.GetGrain<IExportJobGrain>(IExportJobGrain.KeyOf(owner.Id, exportId)).Create(projectId);
        Assert.True(created.IsOk);

        var notification = await tab.WaitForAsync(exportId);
        Assert.NotNull(notification);
        Assert.Equal("export.failed", notification.Value.GetProperty("type").GetString());
        var error = notification.Value.GetProperty("data").GetProperty("error").GetString();
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, notification.Value.GetProperty("data").GetProperty("url").ValueKind);

        var export = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/exports/{exportId}"));
        Assert.Equal("failed", export.GetProperty("status").GetString());
        Assert.Equal(error, export.GetProperty("error").GetString());
        var listed = await HttpAssert.OkAsync(await owner.Client.GetAsync("/api/notifications"));
        Assert.Equal("export.failed", listed.GetProperty("items")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Exports_are_visible_to_their_owner_only_and_listed_newest_first()
    {
        var owner = await fixture.NewUserAsync("Lister");
        var other = await fixture.NewUserAsync("Other");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, other, "viewer");

        var first = (await HttpAssert.OkAsync(await owner.Client.PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
        var second = (await HttpAssert.OkAsync(await owner.Client.PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
        // A viewer may export too; their export is theirs.
        var viewers = (await HttpAssert.OkAsync(await other.Client.PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.Accepted)).GetProperty("id").GetString()!;

        var list = await HttpAssert.OkAsync(await owner.Client.GetAsync("/api/exports"));
        Assert.Equal([second, first], list.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        await HttpAssert.ProblemAsync(await other.Client.GetAsync($"/api/exports/{first}"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"/api/exports/{viewers}"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync("/api/exports/no-such-export"), HttpStatusCode.NotFound);
        Assert.Equal([viewers], (await HttpAssert.OkAsync(await other.Client.GetAsync("/api/exports"))).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Non_member_export_is_404_and_anonymous_is_401()
    {
        var owner = await fixture.NewUserAsync("Keeper");
        var outsider = await fixture.NewUserAsync("Outsider");
        var projectId = await owner.CreateProjectAsync();

        await HttpAssert.ProblemAsync(await outsider.Client.PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await fixture.Client().PostAsync($"/api/projects/{projectId}/exports", null), HttpStatusCode.Unauthorized);
        await HttpAssert.ProblemAsync(await fixture.Client().GetAsync("/api/exports"), HttpStatusCode.Unauthorized);
        await HttpAssert.ProblemAsync(await fixture.Client().GetAsync("/api/notifications"), HttpStatusCode.Unauthorized);
        Assert.Empty((await HttpAssert.OkAsync(await outsider.Client.GetAsync("/api/exports"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Notification_limit_outside_1_to_100_is_400()
    {
        var user = await fixture.NewUserAsync();
        await HttpAssert.ProblemAsync(await user.Client.GetAsync("/api/notifications?limit=0"), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await user.Client.GetAsync("/api/notifications?limit=101"), HttpStatusCode.BadRequest);
        Assert.Empty((await HttpAssert.OkAsync(await user.Client.GetAsync("/api/notifications?limit=100"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Hub_refuses_connections_without_a_valid_token()
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, null));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var forged = await Assert.ThrowsAsync<HttpRequestException>(() => NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, "not-a-jwt"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    /// <summary>Puts tasks straight into the tasks table in the documented item shape; returns the CSV rows they must give.</summary>
    private async Task<List<string[]>> SeedTasksAsync(string projectId, int count)
    {
        string[] titles = ["Buy milk, eggs", "Say \"hi\"", "Two\r\nlines", "Crème brûlée — 東京 🌶️", "plain"];
        string[] statuses = ["todo", "in_progress", "done"];
        string[] priorities = ["low", "medium", "high"];
        var start = new DateTimeOffset(2026, 11, 24, 15, 4, 5, 123, TimeSpan.Zero).AddTicks(4567);
        var expected = new List<string[]>(count);
        var items = new List<Dictionary<string, AttributeValue>>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"T{i:D5}";
            var title = $"{titles[i % titles.Length]} #{i}";
            var description = i % 7 == 0 ? null : $"line one\nline \"two\", {i}";
            var created = start.AddSeconds(i);
            var updated = created.AddMinutes(1);
            items.Add(new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = projectId },
                ["sk"] = new() { S = id },
                ["id"] = new() { S = id },
                ["projectId"] = new() { S = projectId },
                ["title"] = new() { S = title },
                ["description"] = description is null ? new() { NULL = true } : new() { S = description },
                ["status"] = new() { S = statuses[i % 3] },
                ["priority"] = new() { S = priorities[i % 3] },
                // As the grain storage writes them: the exporter reads the board index (column, then rank).
                ["rank"] = new() { S = id },
                ["boardKey"] = new() { S = TaskIndexes.BoardKeyOf(statuses[i % 3], id) },
                ["createdAt"] = new() { S = created.ToString("O", CultureInfo.InvariantCulture) },
                ["updatedAt"] = new() { S = updated.ToString("O", CultureInfo.InvariantCulture) },
                ["version"] = new() { N = "1" },
                ["etag"] = new() { N = "1" },
            });
            expected.Add([id, title, description ?? "", statuses[i % 3], priorities[i % 3],
                created.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                updated.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), "", "", ""]);
        }

        using var dynamoDb = LocalStack.DynamoDb();
        var table = fixture.Settings["Cumin:Tables:Prefix"] + "tasks";
        await Parallel.ForEachAsync(items.Chunk(25), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, ct) =>
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = [.. chunk.Select(item => new WriteRequest { PutRequest = new PutRequest { Item = item } })] };
            while (pending.Count > 0)
            {
                var response = await dynamoDb.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                pending = response.UnprocessedItems is { Count: > 0 } left ? left : [];
            }
        });
        // Board order: column by column, each by rank (here the id).
        return [.. expected.OrderBy(row => TaskStatusNames.All.ToList().IndexOf(row[3])).ThenBy(row => row[0], StringComparer.Ordinal)];
    }

    private static async Task<int> MessagesInQueueAsync(Amazon.SQS.AmazonSQSClient sqs, string queueUrl)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        });
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    /// <summary>Polls until <paramref name="done"/>; returns the last value, which the test asserts on (the limit only bounds a hang).</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
