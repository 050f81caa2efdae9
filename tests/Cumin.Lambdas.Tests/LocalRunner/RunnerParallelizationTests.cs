using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>
/// A function standing in for a slow export: records whose partition key starts with "slow" block until the test opens
/// the gate; every invocation and handled record is noted, in order.
/// </summary>
public sealed class GatedFunction : IStreamEventFunction
{
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<string> Handled { get; } = new();

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        var streamEvent = await JsonSerializer.DeserializeAsync(payload, StreamsJsonContext.Default.DynamoDbStreamEvent, cancellationToken);
        foreach (var record in streamEvent!.Records)
        {
            var id = $"{record.Dynamodb!.Keys!["pk"].S}/{record.Dynamodb.Keys["sk"].S}";
            Started.Enqueue(id);
            if (id.StartsWith("slow", StringComparison.Ordinal))
            {
                await Gate.Task;
            }

            Handled.Enqueue(id);
        }

        return StreamsEventResponse.AllSucceeded();
    }
}

/// <summary>
/// Issue 12, finding 3: the local runner works several partition keys of a shard at once (the exporter's mapping: one
/// key per user), so one user's backlog does not hold up another user's export, while one user's jobs stay in order.
/// </summary>
public sealed class RunnerParallelizationTests : IAsyncLifetime
{
    private const string Table = "fair";

    private readonly string _prefix = LocalStack.UniquePrefix("fair");
    private readonly AmazonDynamoDBClient _dynamoDb = LocalStack.DynamoDb();
    private readonly GatedFunction _function = new();
    private IHost? _runner;

    public async Task InitializeAsync()
    {
        await RunnerHost.CreateStreamTableAsync(_dynamoDb, _prefix + Table, sortKey: true);
        _runner = await RunnerHost.StartWithAsync(
            await LocalStack.CreateDatabaseAsync("fair"), _prefix, new RecordingLoggerProvider(), _function, Table,
            parallelizationFactor: EventSourceRunnerBuilder.ExporterParallelizationFactor);
    }

    public async Task DisposeAsync()
    {
        _function.Gate.TrySetResult();
        await RunnerHost.StopAsync(_runner);
        _dynamoDb.Dispose();
    }

    [Fact]
    public async Task Another_users_export_is_not_stuck_behind_one_users_backlog_and_each_users_jobs_keep_their_order()
    {
        // User "slow" queues three exports, then user "quick" one; slow's first export runs until the gate opens.
        foreach (var sk in new[] { "1", "2", "3" })
        {
            await PutAsync("slow", sk);
        }

        await PutAsync("quick", "1");

        var early = await Eventually.Until(() => Task.FromResult(_function.Handled.ToArray()), handled => handled.Contains("quick/1"));
        Assert.Contains("quick/1", early);
        Assert.Equal(["slow/1"], _function.Started.Where(id => id.StartsWith("slow", StringComparison.Ordinal)));
        Assert.DoesNotContain(_function.Handled, id => id.StartsWith("slow", StringComparison.Ordinal));

        _function.Gate.SetResult();
        var handled = await Eventually.Until(() => Task.FromResult(_function.Handled.ToArray()), h => h.Count(id => id.StartsWith("slow", StringComparison.Ordinal)) == 3);
        Assert.Equal(["slow/1", "slow/2", "slow/3"], handled.Where(id => id.StartsWith("slow", StringComparison.Ordinal)));
        Assert.Single(handled, "quick/1");
    }

    private async Task PutAsync(string user, string job) =>
        await _dynamoDb.PutItemAsync(_prefix + Table, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = user }, ["sk"] = new() { S = job } });
}
