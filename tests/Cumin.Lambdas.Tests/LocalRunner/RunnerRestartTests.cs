using Amazon.DynamoDBv2;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Data;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cumin.Lambdas.Tests.LocalRunner;

public sealed class RestartFixture : IAsyncLifetime
{
    public string Prefix { get; } = LocalStack.UniquePrefix("restart");

    public AmazonDynamoDBClient DynamoDb { get; } = LocalStack.DynamoDb();

    public string ConnectionString { get; private set; } = "";

    public Counts Counts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await LocalStack.CreateDatabaseAsync("restart");
        Counts = new Counts(ConnectionString);
        await Tables.CreateTasksAsync(DynamoDb, Prefix);
        await Tables.CreateProjectsAsync(DynamoDb, Prefix);
    }

    public async Task DisposeAsync()
    {
        await Counts.DisposeAsync();
        DynamoDb.Dispose();
    }
}

public sealed class RunnerRestartTests(RestartFixture fixture) : IClassFixture<RestartFixture>
{
    [Fact]
    public async Task Runner_restarted_mid_stream_loses_nothing_and_repeats_nothing()
    {
        var db = fixture.DynamoDb;
        var prefix = fixture.Prefix;
        var project = Guid.NewGuid().ToString("N");
        // A second mapping on the same table, whose only job is to show each record was delivered exactly once
        // across the restart (the aggregator's ledger would hide a repeat in the counts).
        var deliveries = new DeliveryLog();
        IHost Runner() => RunnerHost.Build(fixture.ConnectionString, prefix, new RecordingLoggerProvider(), runner =>
        {
            runner.Services.AddSingleton(deliveries);
            runner.AddStreamEventSource<DeliveryLog>(TableNames.Tasks);
        });

        var writes = 0;
        using (var first = Runner())
        {
            await first.StartAsync();
            for (var i = 0; i < 20; i++, writes++)
            {
                await Tables.PutTaskAsync(db, prefix, project, $"t{i:00}", TaskStatusNames.Todo);
            }

            // Stop mid-stream: some of these writes are likely still unread when the runner stops.
            for (var i = 0; i < 5; i++, writes++)
            {
                await Tables.MoveTaskAsync(db, prefix, project, $"t{i:00}", TaskStatusNames.InProgress);
            }

            await first.StopAsync();
        }

        var whileStopped = await fixture.Counts.Of(project);
        for (var i = 5; i < 15; i++, writes++)
        {
            await Tables.MoveTaskAsync(db, prefix, project, $"t{i:00}", TaskStatusNames.Done);
        }

        for (var i = 15; i < 18; i++, writes++)
        {
            await Tables.DeleteTaskAsync(db, prefix, project, $"t{i:00}");
        }

        for (var i = 20; i < 24; i++, writes++)
        {
            await Tables.PutTaskAsync(db, prefix, project, $"t{i:00}", TaskStatusNames.InProgress);
        }

        // Nothing reads the stream while the runner is down.
        Assert.Equal(whileStopped, await fixture.Counts.Of(project));

        using (var second = Runner())
        {
            await second.StartAsync();
            var expected = new StatusCounts(2, 9, 10);
            Assert.Equal(expected, await fixture.Counts.Until(project, expected));
            var delivered = await Eventually.Until(() => Task.FromResult(deliveries.Deliveries.Count), n => n >= writes);
            await second.StopAsync();

            Assert.Equal(writes, delivered);
            Assert.All(deliveries.Deliveries, d => Assert.Equal(1, d.Value));
        }

        await using var context = new PooledDbContextFactory<LambdasDbContext>(
            new DbContextOptionsBuilder<LambdasDbContext>().UseNpgsql(fixture.ConnectionString).Options).CreateDbContext();
        var checkpoints = await context.StreamCheckpoints.Where(c => c.StreamArn.Contains(prefix + TableNames.Tasks)).ToListAsync();
        Assert.Contains(checkpoints, c => c.Consumer == nameof(AggregatorFunction) && c.SequenceNumber is not null);
        Assert.Contains(checkpoints, c => c.Consumer == nameof(DeliveryLog) && c.SequenceNumber is not null);
    }
}
