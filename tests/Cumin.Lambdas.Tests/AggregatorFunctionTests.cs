using System.Text;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Data;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Tests;

/// <summary>The aggregator called directly, as Lambda calls it, against its own PostgreSQL database.</summary>
public sealed class AggregatorFixture : IAsyncLifetime
{
    public const string Prefix = "agg-";

    public string ConnectionString { get; private set; } = "";

    public RecordingLoggerProvider Logs { get; } = new();

    public AggregatorFunction Function { get; private set; } = null!;

    public Counts Counts { get; private set; } = null!;

    public StreamEvents Events { get; } = new(Prefix);

    public IDbContextFactory<LambdasDbContext> Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await LocalStack.CreateDatabaseAsync("aggregator");
        Db = new PooledDbContextFactory<LambdasDbContext>(
            new DbContextOptionsBuilder<LambdasDbContext>().UseNpgsql(ConnectionString).Options);
        await using (var db = await Db.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        var store = new ProjectCountsStore(Db, TimeProvider.System, Logs.CreateLogger<ProjectCountsStore>());
        QueueUrl = (await Sqs.CreateQueueAsync(QueueName)).QueueUrl;
        var notifier = new CountsNotifier(
            Sqs, Options.Create(new CountsNotifierOptions { QueueName = QueueName }), Logs.CreateLogger<CountsNotifier>());
        Function = new AggregatorFunction(
            store, notifier, Options.Create(new TableOptions { Prefix = Prefix }), Logs.CreateLogger<AggregatorFunction>());
        Counts = new Counts(ConnectionString);
    }

    /// <summary>This fixture's own notifications queue (fauxqs), where the aggregator's counts.updated messages go.</summary>
    public string QueueName { get; } = LocalStack.UniquePrefix("agg") + "notifications";

    public string QueueUrl { get; private set; } = "";

    public AmazonSQSClient Sqs { get; } = LocalStack.Sqs();

    public async Task DisposeAsync()
    {
        await Counts.DisposeAsync();
        await Sqs.DeleteQueueAsync(QueueUrl);
        Sqs.Dispose();
    }
}

public sealed class AggregatorFunctionTests(AggregatorFixture fixture) : IClassFixture<AggregatorFixture>
{
    private readonly StreamEvents _events = fixture.Events;

    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> Handle(params IEnumerable<DynamoDbStreamRecord> records)
    {
        await using var output = await fixture.Function.HandleAsync(StreamEvents.Payload(records));
        using var reader = new StreamReader(output, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Insert_modify_and_remove_records_give_exact_counts_and_report_no_failures()
    {
        var project = NewId();

        var response = await Handle(
            _events.Insert(project, "a", 1, TaskStatusNames.Todo),
            _events.Insert(project, "b", 2, TaskStatusNames.Todo),
            _events.Insert(project, "c", 3, TaskStatusNames.InProgress),
            _events.Modify(project, "a", 4, TaskStatusNames.Todo, TaskStatusNames.Done),
            _events.Modify(project, "b", 5, TaskStatusNames.Todo, TaskStatusNames.Todo),
            _events.Remove(project, "c", 6, TaskStatusNames.InProgress));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Equal(new StatusCounts(1, 0, 1), await fixture.Counts.Of(project));
    }

    [Fact]
    public async Task A_batch_tells_the_silos_each_changed_projects_counts_once_with_a_growing_version()
    {
        var (first, second, unchanged) = (NewId(), NewId(), NewId());
        await Handle(_events.Insert(unchanged, "a", 1, TaskStatusNames.Todo));
        await Handle(
            _events.Insert(first, "a", 2, TaskStatusNames.Todo),
            _events.Insert(first, "b", 3, TaskStatusNames.InProgress),
            _events.Insert(second, "a", 4, TaskStatusNames.Done),
            // Same status again: the unchanged project's counts do not move, so it is told nothing.
            _events.Modify(unchanged, "a", 5, TaskStatusNames.Todo, TaskStatusNames.Todo));
        var redelivered = _events.Modify(first, "a", 6, TaskStatusNames.Todo, TaskStatusNames.Done);
        await Handle(redelivered);
        await Handle(redelivered);

        var messages = await ReceiveForAsync([first, second, unchanged], expected: 4);

        var ofFirst = messages.Where(m => m.GetProperty("projectId").GetString() == first).ToList();
        Assert.Equal(2, ofFirst.Count);
        Assert.All(messages, m => Assert.Equal("counts.updated", m.GetProperty("type").GetString()));
        Assert.Equal((1, 1, 0), Triple(ofFirst[0]));
        Assert.Equal((0, 1, 1), Triple(ofFirst[1]));
        Assert.True(ofFirst[1].GetProperty("version").GetInt64() > ofFirst[0].GetProperty("version").GetInt64());
        Assert.Equal((0, 0, 1), Triple(Assert.Single(messages, m => m.GetProperty("projectId").GetString() == second)));
        Assert.Single(messages, m => m.GetProperty("projectId").GetString() == unchanged);
    }

    private static (int, int, int) Triple(JsonElement m) =>
        (m.GetProperty("todo").GetInt32(), m.GetProperty("inProgress").GetInt32(), m.GetProperty("done").GetInt32());

    /// <summary>
    /// The queue's messages about <paramref name="projects"/>, in the order they were sent (versions), once
    /// <paramref name="expected"/> have come and a further second brought no more.
    /// </summary>
    private async Task<List<JsonElement>> ReceiveForAsync(string[] projects, int expected)
    {
        var found = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var quietRounds = 0;
        while (DateTime.UtcNow < deadline && (found.Count < expected || quietRounds < 1))
        {
            var received = await fixture.Sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest { QueueUrl = fixture.QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            var batch = (received.Messages ?? [])
                .Select(m => JsonDocument.Parse(m.Body).RootElement.Clone())
                .Where(m => projects.Contains(m.GetProperty("projectId").GetString()))
                .ToList();
            found.AddRange(batch);
            quietRounds = batch.Count == 0 && found.Count >= expected ? quietRounds + 1 : 0;
            foreach (var message in received.Messages ?? [])
            {
                await fixture.Sqs.DeleteMessageAsync(fixture.QueueUrl, message.ReceiptHandle);
            }
        }

        return [.. found.OrderBy(m => m.GetProperty("version").GetInt64())];
    }

    [Fact]
    public async Task Same_batch_delivered_twice_counts_once()
    {
        var project = NewId();
        DynamoDbStreamRecord[] batch =
        [
            _events.Insert(project, "a", 10, TaskStatusNames.Todo),
            _events.Insert(project, "b", 11, TaskStatusNames.InProgress),
            _events.Modify(project, "a", 12, TaskStatusNames.Todo, TaskStatusNames.Done),
        ];

        await Handle(batch);
        await Handle(batch);
        // A redelivery that overlaps the first batch only in part (Lambda splitting or retrying from the middle).
        await Handle(batch[1], batch[2], _events.Insert(project, "c", 13, TaskStatusNames.Todo));

        Assert.Equal(new StatusCounts(1, 1, 1), await fixture.Counts.Of(project));
    }

    [Fact]
    public async Task Records_delivered_out_of_order_leave_counts_exact()
    {
        var project = NewId();

        // The newest record of task a first; a naive old-to-new delta would count a as done, then skip its
        // insert and leave todo at -1. The ledger's counted status keeps it exact.
        await Handle(_events.Modify(project, "a", 30, TaskStatusNames.InProgress, TaskStatusNames.Done));
        await Handle(
            _events.Insert(project, "a", 10, TaskStatusNames.Todo),
            _events.Modify(project, "a", 20, TaskStatusNames.Todo, TaskStatusNames.InProgress),
            _events.Insert(project, "b", 21, TaskStatusNames.Todo));
        // Task c: its removal arrives before its insert; the insert must not resurrect it.
        await Handle(_events.Remove(project, "c", 41, TaskStatusNames.Todo));
        await Handle(_events.Insert(project, "c", 40, TaskStatusNames.Todo));
        // Within one batch, records of one task in any order.
        await Handle(
            _events.Modify(project, "d", 52, TaskStatusNames.InProgress, TaskStatusNames.Todo),
            _events.Insert(project, "d", 50, TaskStatusNames.Done),
            _events.Modify(project, "d", 51, TaskStatusNames.Done, TaskStatusNames.InProgress));

        Assert.Equal(new StatusCounts(2, 0, 1), await fixture.Counts.Of(project));
    }

    [Fact]
    public async Task Sequence_numbers_compare_numerically_up_to_forty_digits()
    {
        var project = NewId();
        const string high = "9999999999999999999999999999999999999999";
        const string lower = "9999999999999999999999999999999999999998";

        await Handle(_events.Task(StreamEventNames.Insert, project, "a", "10", null, TaskStatusNames.Done));
        await Handle(_events.Task(StreamEventNames.Modify, project, "a", "9", TaskStatusNames.Todo, TaskStatusNames.Todo));
        await Handle(_events.Task(StreamEventNames.Insert, project, "b", high, null, TaskStatusNames.InProgress));
        await Handle(_events.Task(StreamEventNames.Modify, project, "b", lower, TaskStatusNames.Done, TaskStatusNames.Done));

        Assert.Equal(new StatusCounts(0, 1, 1), await fixture.Counts.Of(project));
        await using var db = await fixture.Db.CreateDbContextAsync();
        var ledger = await db.TaskLedger.SingleAsync(l => l.ProjectId == project && l.TaskId == "b");
        Assert.Equal(System.Numerics.BigInteger.Parse(high, System.Globalization.CultureInfo.InvariantCulture), ledger.LastSequenceNumber);
    }

    [Fact]
    public async Task Malformed_records_are_logged_and_skipped_without_blocking_the_batch()
    {
        var project = NewId();
        var before = fixture.Logs.Entries.Count;
        var valid = _events.Insert(project, "ok", 100, TaskStatusNames.Todo);
        var noKeys = valid with { Dynamodb = valid.Dynamodb! with { Keys = null, SequenceNumber = "101" } };
        var noStatus = _events.Insert(project, "x", 102, "archived");
        var noSequence = valid with { Dynamodb = valid.Dynamodb! with { SequenceNumber = "not-a-number" } };
        var otherTable = valid with { EventSourceArn = "arn:aws:dynamodb:us-east-1:1:table/elsewhere/stream/x", Dynamodb = valid.Dynamodb! with { SequenceNumber = "103" } };
        var eventJson = JsonSerializer.Serialize(
            new DynamoDbStreamEvent { Records = [noKeys, noStatus, noSequence, otherTable, valid, _events.Insert(project, "ok2", 104, TaskStatusNames.Done)] },
            StreamsJsonContext.Default.DynamoDbStreamEvent);
        // Records that do not even have the record shape: a number, and a Keys member of the wrong type.
        eventJson = eventJson.Replace("\"Records\":[", "\"Records\":[42,{\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":\"nope\",\"SequenceNumber\":\"99\"}},", StringComparison.Ordinal);

        await using var output = await fixture.Function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(eventJson)));

        Assert.Equal(new StatusCounts(1, 0, 1), await fixture.Counts.Of(project));
        var warnings = fixture.Logs.Entries.Skip(before)
            .Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Skipped malformed stream record", StringComparison.Ordinal))
            .Select(e => e.Message)
            .ToList();
        Assert.Equal(6, warnings.Count);
        Assert.Contains(warnings, m => m.Contains("101", StringComparison.Ordinal) && m.Contains("missing key pk or sk", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("102", StringComparison.Ordinal) && m.Contains("no known status ('archived')", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("invalid SequenceNumber", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("103", StringComparison.Ordinal) && m.Contains("eventSourceARN", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains(" 99 ", StringComparison.Ordinal) && m.Contains("not a stream record", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Removing_a_project_deletes_its_counts_and_ledger_and_late_task_records_do_not_bring_them_back()
    {
        var project = NewId();
        var other = NewId();
        await Handle(
            _events.Insert(project, "a", 200, TaskStatusNames.Todo),
            _events.Insert(project, "b", 201, TaskStatusNames.Done),
            _events.Insert(other, "a", 202, TaskStatusNames.Todo));
        Assert.Equal(new StatusCounts(1, 0, 1), await fixture.Counts.Of(project));

        await Handle(_events.RemoveProject(project, 5));
        // The tasks stream is read independently: the project's task removals (and even a stale insert) come later.
        await Handle(
            _events.Remove(project, "a", 203, TaskStatusNames.Todo),
            _events.Remove(project, "b", 204, TaskStatusNames.Done),
            _events.Insert(project, "c", 205, TaskStatusNames.Todo));
        await Handle(_events.RemoveProject(project, 5));

        Assert.False(await fixture.Counts.HasRow(project));
        Assert.Equal(0, await fixture.Counts.LedgerRows(project));
        Assert.Equal(new StatusCounts(0, 0, 0), await fixture.Counts.Of(project));
        Assert.Equal(new StatusCounts(1, 0, 0), await fixture.Counts.Of(other));
    }

    [Fact]
    public async Task Project_inserts_and_modifications_change_nothing()
    {
        var project = NewId();
        await Handle(_events.Insert(project, "a", 300, TaskStatusNames.Todo));
        var insert = _events.RemoveProject(project, 7) with { EventName = StreamEventNames.Insert };

        await Handle(insert, insert with { EventName = StreamEventNames.Modify });

        Assert.Equal(new StatusCounts(1, 0, 0), await fixture.Counts.Of(project));
    }

    [Fact]
    public async Task Concurrent_batches_touching_the_same_projects_lose_no_updates()
    {
        var first = NewId();
        var second = NewId();
        const int batches = 12;
        const int tasksPerBatch = 20;

        // Every batch touches both projects, half of them in the opposite order: lost updates or deadlocks would show.
        await Task.WhenAll(Enumerable.Range(0, batches).Select(b => Task.Run(async () =>
        {
            var records = new List<DynamoDbStreamRecord>();
            for (var t = 0; t < tasksPerBatch; t++)
            {
                var sequence = 1000 + (b * tasksPerBatch) + t;
                var (p1, p2) = b % 2 == 0 ? (first, second) : (second, first);
                records.Add(_events.Insert(p1, $"b{b}-t{t}", sequence, TaskStatusNames.Todo));
                records.Add(_events.Insert(p2, $"b{b}-t{t}", sequence, TaskStatusNames.InProgress));
            }

            await Handle(records);
            await Handle(records.Where((_, i) => i % 4 == 0)
                .Select(r => _events.Modify(r.Dynamodb!.Keys!["pk"].S!, r.Dynamodb.Keys["sk"].S!, long.Parse(r.Dynamodb.SequenceNumber!, System.Globalization.CultureInfo.InvariantCulture) + 10_000,
                    r.Dynamodb.NewImage!["status"].S!, TaskStatusNames.Done)));
        })));

        var moved = batches * tasksPerBatch / 2;
        var total = batches * tasksPerBatch;
        var firstCounts = await fixture.Counts.Of(first);
        var secondCounts = await fixture.Counts.Of(second);
        Assert.Equal(total, firstCounts.Total);
        Assert.Equal(total, secondCounts.Total);
        Assert.Equal(moved, firstCounts.Done + secondCounts.Done);
    }

    [Fact]
    public async Task Counts_query_reads_many_projects_at_once_and_zeros_for_unknown_ones()
    {
        var a = NewId();
        var b = NewId();
        var unknown = NewId();
        await Handle(_events.Insert(a, "1", 400, TaskStatusNames.Todo), _events.Insert(b, "1", 401, TaskStatusNames.Done));

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(fixture.ConnectionString);
        var counts = await new ProjectCountsQuery(dataSource).GetAsync([a, b, unknown]);

        Assert.Equal(new StatusCounts(1, 0, 0), counts[a]);
        Assert.Equal(new StatusCounts(0, 0, 1), counts[b]);
        Assert.Equal(StatusCounts.None, counts[unknown]);
    }
}
