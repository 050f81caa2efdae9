using System.Text;
using System.Text.Json.Nodes;
using Cumin.Lambdas.Activity;
using Cumin.Lambdas.Data;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using static Cumin.Lambdas.Tests.TestSupport.ActivityEvents;

namespace Cumin.Lambdas.Tests.Activity;

/// <summary>The activity function called directly, as Lambda calls it, against its own PostgreSQL database.</summary>
public sealed class ActivityFixture : IAsyncLifetime
{
    public const string Prefix = "act-";

    public string ConnectionString { get; private set; } = "";

    public RecordingLoggerProvider Logs { get; } = new();

    public ActivityEvents Events { get; } = new(Prefix);

    public ActivityFunction Function { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await LocalStack.CreateDatabaseAsync("activity");
        await using (var db = Context(ConnectionString))
        {
            await db.Database.MigrateAsync();
        }

        Function = FunctionOn(ConnectionString, maxEntriesPerProject: 20);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public ActivityFunction FunctionOn(string connectionString, int maxEntriesPerProject = 10_000)
    {
        var db = new PooledDbContextFactory<LambdasDbContext>(new DbContextOptionsBuilder<LambdasDbContext>().UseNpgsql(connectionString).Options);
        var store = new ActivityStore(db, Options.Create(new ActivityOptions { MaxEntriesPerProject = maxEntriesPerProject }), TimeProvider.System,
            Logs.CreateLogger<ActivityStore>());
        return new ActivityFunction(store, Options.Create(new TableOptions { Prefix = Prefix }), Logs.CreateLogger<ActivityFunction>());
    }

    private static LambdasDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<LambdasDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>A project's entries, newest first, as the API reads them.</summary>
    public async Task<List<ActivityLogEntry>> EntriesOf(string projectId)
    {
        await using var db = Context(ConnectionString);
        return await db.ActivityEntries.AsNoTracking().Where(e => e.ProjectId == projectId)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToListAsync();
    }
}

public sealed class ActivityFunctionTests(ActivityFixture fixture) : IClassFixture<ActivityFixture>
{
    private readonly ActivityEvents _events = fixture.Events;

    private static string NewId() => Guid.NewGuid().ToString("N");

    private Task<string> Handle(params IEnumerable<DynamoDbStreamRecord> records) => HandleWith(fixture.Function, records);

    private static async Task<string> HandleWith(ActivityFunction function, IEnumerable<DynamoDbStreamRecord> records)
    {
        await using var output = await function.HandleAsync(StreamEvents.Payload(records));
        using var reader = new StreamReader(output, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static JsonObject Changes(ActivityLogEntry entry) => JsonNode.Parse(entry.Changes)!.AsObject();

    [Fact]
    public async Task A_task_created_edited_moved_and_deleted_gives_one_entry_each_with_its_actor_and_changes()
    {
        var (project, task) = (NewId(), NewId());
        var created = TaskImage(project, task, "Write the plan", updatedBy: "u-alice", updatedAt: "2026-12-01T10:00:00.000Z");
        var renamed = TaskImage(project, task, "Write the real plan", updatedBy: "u-bob", updatedAt: "2026-12-01T10:01:00.000Z", assigneeId: "u-bob");
        var moved = TaskImage(project, task, "Write the real plan", TaskStatusNames.Done, "b0", "u-carol", "2026-12-01T10:02:00.000Z", "u-bob");
        // The stamp written just before the delete, and the delete itself.
        var stamp = TaskImage(project, task, "Write the real plan", TaskStatusNames.Done, "b0", "u-alice", "2026-12-01T10:03:00.000Z", "u-bob", deletedBy: "u-alice");
        // Only the comment count changed: the comment's own entry says it.
        var counted = TaskImage(project, task, "Write the plan", updatedBy: "u-alice", updatedAt: "2026-12-01T10:00:00.000Z", commentCount: 1);

        var response = await Handle(
            _events.Record(TableNames.Tasks, null, created),
            _events.Record(TableNames.Tasks, created, counted),
            _events.Record(TableNames.Tasks, created, renamed),
            _events.Record(TableNames.Tasks, renamed, moved),
            _events.Record(TableNames.Tasks, moved, stamp),
            _events.Record(TableNames.Tasks, stamp, null));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        var entries = await fixture.EntriesOf(project);
        Assert.Equal(
            [ProjectEventTypes.TaskDeleted, ProjectEventTypes.TaskMoved, ProjectEventTypes.TaskUpdated, ProjectEventTypes.TaskCreated],
            entries.Select(e => e.Type));
        // A new task's actor is who created it (createdBy); a deletion's, who deleted it (the stamp's deletedBy).
        Assert.Equal(["u-alice", "u-carol", "u-bob", "u-owner"], entries.Select(e => e.ActorId));
        Assert.All(entries, e => Assert.Equal(task, e.TaskId));
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T10:01:00Z", System.Globalization.CultureInfo.InvariantCulture), entries[2].At);
        var update = Changes(entries[2]);
        Assert.Equal("Write the plan", (string?)update["title"]!["from"]);
        Assert.Equal("Write the real plan", (string?)update["title"]!["to"]);
        Assert.Null(update["assigneeId"]!["from"]);
        Assert.Equal("u-bob", (string?)update["assigneeId"]!["to"]);
        var move = Changes(entries[1]);
        Assert.Equal(TaskStatusNames.Done, (string?)move["status"]!["to"]);
        Assert.Equal("b0", (string?)move["rank"]!["to"]);
        Assert.False(move.ContainsKey("title"));
    }

    [Fact]
    public async Task The_same_batch_delivered_twice_or_in_overlapping_parts_writes_each_entry_once()
    {
        var project = NewId();
        var tasks = Enumerable.Range(0, 5).Select(i => TaskImage(project, NewId(), $"Task {i}", updatedAt: $"2026-12-01T10:0{i}:00.000Z")).ToArray();
        var batch = tasks.Select(t => _events.Record(TableNames.Tasks, null, t)).ToArray();

        await Handle(batch);
        await Handle(batch);
        // Lambda bisecting a failed batch, or retrying from its middle.
        await Handle(batch[2..]);
        await Handle(batch[3], batch[1]);

        var entries = await fixture.EntriesOf(project);
        Assert.Equal(5, entries.Count);
        Assert.Equal(["Task 4", "Task 3", "Task 2", "Task 1", "Task 0"], entries.Select(e => (string?)Changes(e)["title"]!["to"]));
    }

    [Fact]
    public async Task Records_delivered_out_of_order_are_written_once_each_and_listed_by_when_they_happened()
    {
        var (project, task) = (NewId(), NewId());
        var v1 = TaskImage(project, task, "One", updatedAt: "2026-12-01T10:00:00.000Z");
        var v2 = TaskImage(project, task, "Two", updatedAt: "2026-12-01T10:01:00.000Z");
        var v3 = TaskImage(project, task, "Three", updatedAt: "2026-12-01T10:02:00.000Z");
        var insert = _events.Record(TableNames.Tasks, null, v1);
        var first = _events.Record(TableNames.Tasks, v1, v2);
        var second = _events.Record(TableNames.Tasks, v2, v3);

        // The newest first, then the older ones (and the newest again): a redelivered or reordered shard.
        await Handle(second);
        await Handle(first, insert);
        await Handle(second, first);

        var entries = await fixture.EntriesOf(project);
        Assert.Equal([ProjectEventTypes.TaskUpdated, ProjectEventTypes.TaskUpdated, ProjectEventTypes.TaskCreated], entries.Select(e => e.Type));
        Assert.Equal(["Three", "Two", "One"], entries.Select(e => (string?)Changes(e)["title"]!["to"]));
    }

    [Fact]
    public async Task Comments_labels_members_and_the_project_give_their_entries_with_their_actors()
    {
        var (project, task, comment) = (NewId(), NewId(), NewId());
        var created = Project(project, "Launch", "u-owner", "2026-12-01T09:00:00.000Z", ("u-owner", ProjectRoleNames.Owner));
        var joined = Project(project, "Launch", "u-owner", "2026-12-01T09:01:00.000Z", ("u-owner", ProjectRoleNames.Owner), ("u-dan", ProjectRoleNames.Editor));
        var renamed = Project(project, "Launch v2", "u-dan", "2026-12-01T09:02:00.000Z", ("u-owner", ProjectRoleNames.Owner), ("u-dan", ProjectRoleNames.Editor));
        var left = Project(project, "Launch v2", "u-dan", "2026-12-01T09:03:00.000Z", ("u-owner", ProjectRoleNames.Owner));
        var noLabels = Labels(project, "u-owner", "2026-12-01T09:04:00.000Z");
        var oneLabel = Labels(project, "u-owner", "2026-12-01T09:04:00.000Z", ("l1", "bug", "#ff0000"));
        var labelGone = Labels(project, "u-dan", "2026-12-01T09:05:00.000Z");
        var written = Comment(project, task, comment, "Looks good", "u-dan", "2026-12-01T09:06:00.000Z");
        var stamped = Comment(project, task, comment, "Looks good", "u-dan", "2026-12-01T09:07:00.000Z", deletedBy: "u-owner");

        await Handle(
            _events.Record(TableNames.Projects, null, created),
            _events.Record(TableNames.Projects, created, joined),
            _events.Record(TableNames.Projects, joined, renamed),
            _events.Record(TableNames.Projects, renamed, left),
            _events.Record(TableNames.Labels, null, oneLabel),
            _events.Record(TableNames.Labels, oneLabel, labelGone),
            _events.Record(TableNames.Comments, null, written),
            _events.Record(TableNames.Comments, written, stamped),
            _events.Record(TableNames.Comments, stamped, null));
        _ = noLabels;

        var entries = await fixture.EntriesOf(project);
        Assert.Equal(
            [
                (ProjectEventTypes.CommentDeleted, "u-owner", task), (ProjectEventTypes.CommentCreated, "u-dan", task),
                (ProjectEventTypes.LabelDeleted, "u-dan", null), (ProjectEventTypes.LabelCreated, "u-owner", null),
                (ProjectEventTypes.MemberRemoved, "u-dan", null), (ProjectEventTypes.ProjectUpdated, "u-dan", null),
                (ProjectEventTypes.MemberAdded, "u-owner", null), (ProjectEventTypes.ProjectUpdated, "u-owner", null),
            ],
            entries.Select(e => (e.Type, e.ActorId, e.TaskId)));
        Assert.Equal("bug", (string?)Changes(entries[3])["name"]!["to"]);
        Assert.Equal("u-dan", (string?)Changes(entries[4])["userId"]!["from"]);
        Assert.Equal("Launch v2", (string?)Changes(entries[5])["name"]!["to"]);
    }

    [Fact]
    public async Task A_deleted_projects_activity_goes_with_it_and_its_late_records_write_nothing()
    {
        var project = NewId();
        var task = TaskImage(project, NewId(), "Soon gone");
        await Handle(_events.Record(TableNames.Tasks, null, task));
        Assert.Single(await fixture.EntriesOf(project));

        var removal = _events.Record(TableNames.Projects, Project(project, "P", "u-owner", "2026-12-01T09:00:00.000Z"), null);
        await Handle(removal);
        // Records of the tasks table reach the function after the project's own REMOVE, and the REMOVE again.
        await Handle(_events.Record(TableNames.Tasks, null, TaskImage(project, NewId(), "Late")), removal);

        Assert.Empty(await fixture.EntriesOf(project));
    }

    [Fact]
    public async Task A_project_keeps_its_newest_entries_and_a_redelivered_trimmed_record_does_not_come_back()
    {
        var project = NewId();
        var records = Enumerable.Range(0, 30)
            .Select(i => _events.Record(TableNames.Tasks, null, TaskImage(project, NewId(), $"T{i:00}", updatedAt: $"2026-12-01T10:{i:00}:00.000Z")))
            .ToArray();
        foreach (var record in records)
        {
            await Handle(record);
        }

        // The cap is 20: at 23 the oldest go, down to 20, and so on.
        var kept = await fixture.EntriesOf(project);
        Assert.InRange(kept.Count, 20, 22);
        Assert.Equal("T29", (string?)Changes(kept[0])["title"]!["to"]);
        await Handle(records[0]);
        Assert.DoesNotContain(await fixture.EntriesOf(project), e => (string?)Changes(e)["title"]!["to"] == "T00");
    }

    [Fact]
    public async Task Malformed_records_are_logged_and_skipped_without_blocking_the_batch()
    {
        var project = NewId();
        var good = _events.Record(TableNames.Tasks, null, TaskImage(project, NewId(), "Fine"));
        var noImage = _events.Record(TableNames.Tasks, null, TaskImage(project, NewId(), "Broken")) is var r
            ? r with { Dynamodb = r.Dynamodb! with { NewImage = null } }
            : null;
        var otherTable = good with { EventId = NewId(), EventSourceArn = "arn:aws:dynamodb:us-east-1:1:table/other/stream/x" };

        var response = await Handle(noImage!, otherTable, good);

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Single(await fixture.EntriesOf(project));
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("NEW_AND_OLD_IMAGES", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_PostgreSQL_unreachable_the_batch_fails_and_when_it_is_back_its_retry_writes_each_entry_once()
    {
        var project = NewId();
        var target = new NpgsqlConnectionStringBuilder(fixture.ConnectionString);
        await using var proxy = new TcpProxy(new Uri($"tcp://{target.Host}:{target.Port}"));
        proxy.Start();
        var throughProxy = new NpgsqlConnectionStringBuilder(fixture.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = proxy.Port,
            Timeout = 3,
            Pooling = false,
        }.ConnectionString;
        var function = fixture.FunctionOn(throughProxy);
        var batch = Enumerable.Range(0, 4)
            .Select(i => _events.Record(TableNames.Tasks, null, TaskImage(project, NewId(), $"T{i}", updatedAt: $"2026-12-01T10:0{i}:00.000Z")))
            .ToArray();
        await HandleWith(function, batch[..1]);

        await proxy.CutAsync();
        // The event source retries a batch whose invocation fails: here, the same batch again.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => HandleWith(function, batch));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => HandleWith(function, batch));
        proxy.Start();
        var response = await HandleWith(function, batch);

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        var entries = await fixture.EntriesOf(project);
        Assert.Equal(["T3", "T2", "T1", "T0"], entries.Select(e => (string?)Changes(e)["title"]!["to"]));
    }
}
