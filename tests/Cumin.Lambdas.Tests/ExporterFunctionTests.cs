using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;

namespace Cumin.Lambdas.Tests;

public sealed class ExporterFunctionTests(ExporterFixture fixture) : IClassFixture<ExporterFixture>
{
    private static long _sequence = 1000;

    private readonly string _userId = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task MODIFY_and_REMOVE_records_start_nothing_and_INSERT_exports()
    {
        var projectId = await NewProjectAsync(taskCount: 3);
        var job = await NewJobAsync(projectId);

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Modify, job, Guid.NewGuid().ToString("N"), NextSequence()));
        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Remove, job, Guid.NewGuid().ToString("N"), NextSequence()));
        var untouched = await JobAsync(job);
        Assert.Equal("pending", untouched["status"].S);
        Assert.Equal("1", untouched["etag"].N);
        Assert.Empty(await fixture.MessagesForAsync(job["sk"].S));

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));
        var done = await JobAsync(job);
        Assert.Equal("done", done["status"].S);
        Assert.Equal("3", done["taskCount"].N);
        Assert.Single(await fixture.MessagesForAsync(job["sk"].S));
    }

    [Fact]
    public async Task Redelivered_INSERT_does_not_export_again_but_repeats_the_message()
    {
        var projectId = await NewProjectAsync(taskCount: 5);
        var job = await NewJobAsync(projectId);
        var insert = ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence());

        await InvokeAsync(insert);
        var first = await JobAsync(job);
        await InvokeAsync(insert);
        var second = await JobAsync(job);

        Assert.Equal("done", first["status"].S);
        // Claim and finish each added 1 to the storage etag; the redelivery changed nothing at all.
        Assert.Equal("3", first["etag"].N);
        Assert.Equal(first["etag"].N, second["etag"].N);
        Assert.Equal(first["startedAt"].S, second["startedAt"].S);
        Assert.Equal(first["url"].S, second["url"].S);
        var messages = await fixture.MessagesForAsync(job["sk"].S);
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal(first["url"].S, m.GetProperty("url").GetString()));
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("had ended already", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_held_by_another_attempt_is_left_alone()
    {
        var projectId = await NewProjectAsync(taskCount: 1);
        var job = await NewJobAsync(projectId);
        job["status"] = new AttributeValue { S = "running" };
        job["attempt"] = new AttributeValue { S = "someone-else" };
        await ExportTables.PutAsync(fixture.DynamoDb, fixture.JobsTable, job);

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));

        var after = await JobAsync(job);
        Assert.Equal("running", after["status"].S);
        Assert.Equal("someone-else", after["attempt"].S);
        Assert.Empty(await fixture.MessagesForAsync(job["sk"].S));
    }

    [Fact]
    public async Task Retry_of_the_same_record_takes_over_the_job_its_dead_attempt_left_running()
    {
        var projectId = await NewProjectAsync(taskCount: 2);
        var job = await NewJobAsync(projectId);
        var eventId = Guid.NewGuid().ToString("N");
        job["status"] = new AttributeValue { S = "running" };
        job["attempt"] = new AttributeValue { S = eventId };
        await ExportTables.PutAsync(fixture.DynamoDb, fixture.JobsTable, job);

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, eventId, NextSequence()));

        Assert.Equal("done", (await JobAsync(job))["status"].S);
        Assert.Single(await fixture.MessagesForAsync(job["sk"].S));
    }

    [Fact]
    public async Task CSV_is_RFC_4180_UTF8_and_keeps_commas_quotes_line_breaks_and_non_ASCII()
    {
        var projectId = Guid.NewGuid().ToString("N");
        await Tables.PutProjectAsync(fixture.DynamoDb, fixture.Prefix, projectId, _userId);
        var created = new DateTimeOffset(2026, 11, 24, 15, 4, 5, 123, TimeSpan.Zero).AddTicks(4567);
        (string Title, string? Description)[] tricky =
        [
            ("Buy milk, eggs, bread", "plain"),
            ("Say \"hello\"", "a \"quoted\" \"\" pair"),
            ("Two\r\nlines", "one\nLF and one\rCR"),
            ("Crème brûlée für Zoë — 東京 🌶️", null),
            ("  padded  ", ""),
            ("=SUM(A1:A2)", "-starts with a minus"),
            ("\"", ","),
        ];
        await ExportTables.PutTasksAsync(fixture.DynamoDb, fixture.Prefix, tricky.Select((t, i) =>
            ExportTables.Task(projectId, $"T{i:D4}", t.Title, t.Description, i % 2 == 0 ? "in_progress" : "done", "high", created.AddHours(i))));
        var job = await NewJobAsync(projectId);

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));

        var item = await JobAsync(job);
        Assert.Equal("done", item["status"].S);
        var bytes = await DownloadAsync(item["url"].S);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte order mark");
        Assert.StartsWith("id,title,description,status,priority,createdAt,updatedAt,assignee,dueDate,labels\r\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var (header, rows) = CsvRows.Read(bytes);
        Assert.Equal(["id", "title", "description", "status", "priority", "createdAt", "updatedAt", "assignee", "dueDate", "labels"], header);
        Assert.Equal(tricky.Length, rows.Count);
        // Board order: the in-progress column (even tasks) before the done one (odd), each by rank (here the id).
        var order = Enumerable.Range(0, tricky.Length).OrderBy(i => i % 2).ThenBy(i => i).ToList();
        for (var row = 0; row < tricky.Length; row++)
        {
            var i = order[row];
            // Cells that a spreadsheet would run as a formula come back with the guard's leading quote.
            Assert.Equal(
                [$"T{i:D4}", i == 5 ? "'=SUM(A1:A2)" : tricky[i].Title, i == 5 ? "'-starts with a minus" : tricky[i].Description ?? "", i % 2 == 0 ? "in_progress" : "done", "high",
                 created.AddHours(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                 created.AddHours(i).AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), "", "", ""],
                rows[row]);
        }

        Assert.Equal("2026-11-24T15:04:05.123Z", rows[0][5]);
    }

    [Fact]
    public async Task CSV_rows_follow_the_board_with_assignee_emails_due_dates_and_label_names_guarded_like_every_cell()
    {
        var projectId = Guid.NewGuid().ToString("N");
        // A member whose e-mail starts with '-', and a label whose name starts with '=': the guard applies to them too.
        await Tables.PutProjectAsync(fixture.DynamoDb, fixture.Prefix, projectId, _userId, "-ada");
        await ExportTables.PutAsync(fixture.DynamoDb, fixture.Prefix + TableNames.Labels, new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = projectId },
            ["labels"] = new()
            {
                L =
                [
                    new() { M = new() { ["id"] = new() { S = "L1" }, ["name"] = new() { S = "herbs" }, ["color"] = new() { S = "#22aa44" } } },
                    new() { M = new() { ["id"] = new() { S = "L2" }, ["name"] = new() { S = "=HYPERLINK(\"x\")" }, ["color"] = new() { S = "#000000" } } },
                ],
            },
        });
        var created = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
        // Ids in creation order; ranks and columns as a board would have them, not in id order.
        await ExportTables.PutTasksAsync(fixture.DynamoDb, fixture.Prefix,
        [
            ExportTables.Task(projectId, "T1", "done first", null, "done", "low", created, rank: "a0"),
            ExportTables.Task(projectId, "T2", "todo second", null, "todo", "low", created, rank: "b0", assigneeId: _userId, dueDate: "2026-12-24"),
            ExportTables.Task(projectId, "T3", "todo first", null, "todo", "low", created, rank: "a5", assigneeId: "-ada", labelIds: ["L2", "L1"]),
            ExportTables.Task(projectId, "T4", "in progress", null, "in_progress", "low", created, rank: "z", labelIds: ["L1", "gone"]),
            ExportTables.Task(projectId, "T5", "left", null, "todo", "low", created, rank: "c0", assigneeId: "not-a-member"),
        ]);
        var job = await NewJobAsync(projectId);

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));

        var item = await JobAsync(job);
        Assert.Equal("done", item["status"].S);
        var (header, rows) = CsvRows.Read(await DownloadAsync(item["url"].S));
        Assert.Equal(["assignee", "dueDate", "labels"], header.Skip(header.Count - 3));
        Assert.Equal(["T3", "T2", "T5", "T4", "T1"], rows.Select(r => r[0]));
        Assert.Equal(["'-ada@example.com", "", "'=HYPERLINK(\"x\");herbs"], rows[0][^3..]);
        Assert.Equal([$"{_userId}@example.com", "2026-12-24", ""], rows[1][^3..]);
        // Someone no longer a member shows no e-mail; a deleted label is left out.
        Assert.Equal(["", "", ""], rows[2][^3..]);
        Assert.Equal(["", "", "herbs"], rows[3][^3..]);
        Assert.Equal("5", item["taskCount"].N);
    }

    [Fact]
    public async Task Presigned_URL_is_plain_HTTP_expires_as_configured_and_serves_the_file()
    {
        var projectId = await NewProjectAsync(taskCount: 4);
        var function = fixture.Create(new() { ["Cumin:Exports:UrlLifetime"] = "00:10:00" });
        var job = await NewJobAsync(projectId);
        var before = DateTimeOffset.UtcNow;

        await function.InvokeAsync(StreamEvents.Payload(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence())), CancellationToken.None);

        var item = await JobAsync(job);
        var url = new Uri(item["url"].S);
        Assert.Equal("http", url.Scheme);
        Assert.Contains("X-Amz-Signature=", url.Query, StringComparison.Ordinal);
        // 600 s, give or take the one second by which the signer's clock can differ from the function's: a second
        // boundary can pass between them, and the SDK signs with its clock corrected by the server's Date header.
        Assert.Matches("X-Amz-Expires=(599|600|601)(&|$)", url.Query);
        var expires = DateTimeOffset.Parse(item["urlExpiresAt"].S, CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.AddMinutes(10).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(1));
        var (_, rows) = CsvRows.Read(await DownloadAsync(url.ToString()));
        Assert.Equal(4, rows.Count);
    }

    [Fact]
    public async Task Completion_message_is_camelCase_JSON_with_every_member_and_null_error()
    {
        var projectId = await NewProjectAsync(taskCount: 2);
        var job = await NewJobAsync(projectId);

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));

        var message = Assert.Single(await fixture.MessagesForAsync(job["sk"].S));
        Assert.Equal(
            ["type", "userId", "exportId", "projectId", "url", "urlExpiresAt", "taskCount", "error", "traceParent"],
            message.EnumerateObject().Select(p => p.Name));
        Assert.Equal("export.completed", message.GetProperty("type").GetString());
        Assert.Equal(_userId, message.GetProperty("userId").GetString());
        Assert.Equal(projectId, message.GetProperty("projectId").GetString());
        Assert.Equal(2, message.GetProperty("taskCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("error").ValueKind);
        Assert.Equal((await JobAsync(job))["url"].S, message.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Missing_project_ends_the_job_failed_with_an_export_failed_message()
    {
        var job = await NewJobAsync(Guid.NewGuid().ToString("N"));

        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));

        var item = await JobAsync(job);
        Assert.Equal("failed", item["status"].S);
        Assert.Contains("does not exist", item["error"].S, StringComparison.Ordinal);
        Assert.False(item.ContainsKey("url"));
        var message = Assert.Single(await fixture.MessagesForAsync(job["sk"].S));
        Assert.Equal("export.failed", message.GetProperty("type").GetString());
        Assert.Equal(item["error"].S, message.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("url").ValueKind);
    }

    [Fact]
    public async Task S3_failure_ends_the_job_failed_with_the_reason()
    {
        var projectId = await NewProjectAsync(taskCount: 1);
        var function = fixture.Create(new() { ["Cumin:Exports:Bucket"] = fixture.Bucket + "-missing", ["Cumin:Exports:CreateMissing"] = "false" });
        var job = await NewJobAsync(projectId);

        await function.InvokeAsync(StreamEvents.Payload(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence())), CancellationToken.None);

        var item = await JobAsync(job);
        Assert.Equal("failed", item["status"].S);
        Assert.StartsWith("Storing the file failed", item["error"].S, StringComparison.Ordinal);
        Assert.Equal("export.failed", Assert.Single(await fixture.MessagesForAsync(job["sk"].S)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Records_after_a_failing_one_wait_for_its_retry()
    {
        var projectId = await NewProjectAsync(taskCount: 1);
        var unreachable = fixture.Create(new() { ["Cumin:Notifications:QueueName"] = fixture.QueueName + "-none", ["Cumin:Exports:CreateMissing"] = "false" });
        var first = await NewJobAsync(projectId);
        var second = await NewJobAsync(projectId);
        var failingSequence = NextSequence();

        var response = await unreachable.InvokeAsync(
            StreamEvents.Payload(
                ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, first, Guid.NewGuid().ToString("N"), failingSequence),
                ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, second, Guid.NewGuid().ToString("N"), NextSequence())),
            CancellationToken.None);

        var failures = JsonDocument.Parse(response).RootElement.GetProperty("batchItemFailures");
        Assert.Equal(failingSequence.ToString(CultureInfo.InvariantCulture), Assert.Single(failures.EnumerateArray()).GetProperty("itemIdentifier").GetString());
        Assert.Equal("pending", (await JobAsync(second))["status"].S);
    }

    [Fact]
    public async Task An_export_of_several_parts_uploads_full_parts_through_one_part_sized_buffer()
    {
        var projectId = Guid.NewGuid().ToString("N");
        await Tables.PutProjectAsync(fixture.DynamoDb, fixture.Prefix, projectId, _userId);
        // Tasks with the longest description the API takes (5,000 characters): about 12 MB of CSV, so three parts of 5 MiB
        // from 2,500 tasks; the same bytes from short tasks would take eight times the writes to DynamoDB Local.
        const int taskCount = 2_500;
        var description = new string('x', 5_000);
        var created = DateTimeOffset.UtcNow;
        await ExportTables.PutTasksAsync(fixture.DynamoDb, fixture.Prefix, Enumerable.Range(0, taskCount).Select(i =>
            ExportTables.Task(projectId, $"T{i:D6}", $"Task {i}, the \"{i}th\"", description, "todo", "low", created)));

        // The function over the project: every task, one file (its first upload also makes the fixture's bucket).
        var job = await NewJobAsync(projectId);
        await InvokeAsync(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), NextSequence()));
        Assert.Equal(taskCount.ToString(CultureInfo.InvariantCulture), (await JobAsync(job))["taskCount"].N);

        // And the upload itself, part by part, through the one buffer.
        const int partSize = ExporterOptions.MinPartSize;
        var key = $"tests/{projectId}.csv";
        int count;
        long length;
        IReadOnlyList<int> parts;
        await using (var upload = await S3MultipartUploadStream.StartAsync(fixture.S3, fixture.Bucket, key, partSize, "text/csv", null, CancellationToken.None))
        {
            Assert.Equal(partSize, upload.BufferSize);
            count = await new TaskCsvWriter(fixture.DynamoDb, fixture.Prefix + TableNames.Tasks).WriteAsync(projectId, ExportLookups.Empty, upload, CancellationToken.None);
            length = await upload.CompleteAsync(CancellationToken.None);
            parts = upload.PartSizes;
        }

        Assert.Equal(taskCount, count);
        Assert.True(parts.Count >= 3, $"{length} bytes should make several parts of {partSize}");
        Assert.All(parts.SkipLast(1), size => Assert.Equal(partSize, size));
        Assert.InRange(parts[^1], 1, partSize);
        Assert.Equal(length, parts.Sum(size => (long)size));
        using var stored = await fixture.S3.GetObjectAsync(fixture.Bucket, key);
        Assert.Equal(length, stored.ContentLength);
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        var (_, rows) = CsvRows.Read(copy.ToArray());
        Assert.Equal(taskCount, rows.Count);
        Assert.Equal($"Task {taskCount - 1}, the \"{taskCount - 1}th\"", rows[^1][1]);
        Assert.Equal(description, rows[^1][2]);
    }

    [Fact]
    public async Task A_payload_that_is_not_a_stream_event_is_logged_and_acknowledged()
    {
        var response = await fixture.Function.InvokeAsync(new MemoryStream("[1,2]"u8.ToArray()), CancellationToken.None);

        Assert.Equal("""{"batchItemFailures":[]}""", await new StreamReader(response).ReadToEndAsync());
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("not a DynamoDB Streams event", StringComparison.Ordinal));
    }

    private static long NextSequence() => Interlocked.Increment(ref _sequence);

    private async Task<string> NewProjectAsync(int taskCount)
    {
        var projectId = Guid.NewGuid().ToString("N");
        await Tables.PutProjectAsync(fixture.DynamoDb, fixture.Prefix, projectId, _userId);
        await ExportTables.PutTasksAsync(fixture.DynamoDb, fixture.Prefix, Enumerable.Range(0, taskCount).Select(i =>
            ExportTables.Task(projectId, $"T{i:D4}", $"Task {i}", null, "todo", "medium", DateTimeOffset.UtcNow)));
        return projectId;
    }

    private async Task<Dictionary<string, AttributeValue>> NewJobAsync(string projectId)
    {
        var job = ExportTables.PendingJob(_userId, Guid.NewGuid().ToString("N"), projectId);
        await ExportTables.PutAsync(fixture.DynamoDb, fixture.JobsTable, job);
        return job;
    }

    private Task<Dictionary<string, AttributeValue>> JobAsync(Dictionary<string, AttributeValue> job) =>
        ExportTables.GetJobAsync(fixture.DynamoDb, fixture.Prefix, job["pk"].S, job["sk"].S);

    private async Task InvokeAsync(DynamoDbStreamRecord record)
    {
        var response = await fixture.Function.InvokeAsync(StreamEvents.Payload(record), CancellationToken.None);
        Assert.Equal("""{"batchItemFailures":[]}""", await new StreamReader(response).ReadToEndAsync());
    }

    private static async Task<byte[]> DownloadAsync(string url)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
