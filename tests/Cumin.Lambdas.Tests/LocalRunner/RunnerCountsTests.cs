using Amazon.DynamoDBv2;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>
/// DynamoDB Local + PostgreSQL + the real runner. The runner starts before the tables exist (the silo creates
/// them), so waiting for tables is exercised too.
/// </summary>
public sealed class RunnerFixture : IAsyncLifetime
{
    public string Prefix { get; } = LocalStack.UniquePrefix("runner");

    public AmazonDynamoDBClient DynamoDb { get; } = LocalStack.DynamoDb();

    public RecordingLoggerProvider Logs { get; } = new();

    public Counts Counts { get; private set; } = null!;

    private IHost? _runner;

    public async Task InitializeAsync()
    {
        var connectionString = await LocalStack.CreateDatabaseAsync("runner");
        Counts = new Counts(connectionString);
        _runner = RunnerHost.Build(connectionString, Prefix, Logs);
        await _runner.StartAsync();
        await Tables.CreateTasksAsync(DynamoDb, Prefix);
        await Tables.CreateProjectsAsync(DynamoDb, Prefix);
    }

    public async Task DisposeAsync()
    {
        await RunnerHost.StopAsync(_runner);
        await Counts.DisposeAsync();
        DynamoDb.Dispose();
    }
}

public sealed class RunnerCountsTests(RunnerFixture fixture) : IClassFixture<RunnerFixture>
{
    private readonly IAmazonDynamoDB _db = fixture.DynamoDb;
    private readonly string _prefix = fixture.Prefix;

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Creating_moving_and_deleting_tasks_gives_exact_counts()
    {
        var project = NewId();
        for (var i = 0; i < 6; i++)
        {
            await Tables.PutTaskAsync(_db, _prefix, project, $"t{i}", TaskStatusNames.Todo);
        }

        Assert.Equal(new StatusCounts(6, 0, 0), await fixture.Counts.Until(project, new StatusCounts(6, 0, 0)));

        await Tables.MoveTaskAsync(_db, _prefix, project, "t0", TaskStatusNames.InProgress);
        await Tables.MoveTaskAsync(_db, _prefix, project, "t1", TaskStatusNames.InProgress);
        await Tables.MoveTaskAsync(_db, _prefix, project, "t1", TaskStatusNames.Done);
        await Tables.MoveTaskAsync(_db, _prefix, project, "t2", TaskStatusNames.Done);
        await Tables.MoveTaskAsync(_db, _prefix, project, "t3", TaskStatusNames.Todo); // a write that keeps the status
        await Tables.DeleteTaskAsync(_db, _prefix, project, "t4");
        await Tables.PutTaskAsync(_db, _prefix, project, "t6", TaskStatusNames.Done);

        Assert.Equal(new StatusCounts(2, 1, 3), await fixture.Counts.Until(project, new StatusCounts(2, 1, 3)));
    }

    [Fact]
    public async Task Malformed_task_item_is_logged_and_skipped_without_blocking_the_shard()
    {
        var project = NewId();
        await Tables.PutTaskAsync(_db, _prefix, project, "bad", "archived");
        await Tables.PutTaskAsync(_db, _prefix, project, "good1", TaskStatusNames.Todo);
        await Tables.PutTaskAsync(_db, _prefix, project, "good2", TaskStatusNames.Done);

        Assert.Equal(new StatusCounts(1, 0, 1), await fixture.Counts.Until(project, new StatusCounts(1, 0, 1)));
        Assert.Contains(fixture.Logs.Entries, e =>
            e.Level == LogLevel.Warning
            && e.Category == typeof(AggregatorFunction).FullName
            && e.Message.Contains("no known status ('archived')", StringComparison.Ordinal)
            && e.Message.Contains(_prefix + TableNames.Tasks, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_a_project_with_its_tasks_removes_its_counts()
    {
        var project = NewId();
        var marker = NewId();
        await Tables.PutProjectAsync(_db, _prefix, project);
        await Tables.PutTaskAsync(_db, _prefix, project, "a", TaskStatusNames.Todo);
        await Tables.PutTaskAsync(_db, _prefix, project, "b", TaskStatusNames.Done);
        await fixture.Counts.Until(project, new StatusCounts(1, 0, 1));

        // The project item goes first and its tasks after: the tasks' REMOVE records reach the aggregator
        // after the project's, and must not bring counts back.
        await Tables.DeleteProjectAsync(_db, _prefix, project);
        Assert.False(await Eventually.Until(() => fixture.Counts.HasRow(project), hasRow => !hasRow));
        await Tables.DeleteTaskAsync(_db, _prefix, project, "a");
        await Tables.DeleteTaskAsync(_db, _prefix, project, "b");
        // The tasks shard is read in order: once a later write is counted, the deletions have been handled.
        await Tables.PutTaskAsync(_db, _prefix, marker, "m", TaskStatusNames.Todo);
        await fixture.Counts.Until(marker, new StatusCounts(1, 0, 0));

        Assert.False(await fixture.Counts.HasRow(project));
        Assert.Equal(0, await fixture.Counts.LedgerRows(project));
    }
}
