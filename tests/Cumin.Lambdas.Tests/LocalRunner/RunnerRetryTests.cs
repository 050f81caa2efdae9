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
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>
/// A function that fails on request, by the item's <c>fail</c> attribute: <c>always</c> reports the record in
/// batchItemFailures every time, <c>twice</c> the first two times, <c>throw-once</c> throws on the first delivery.
/// It handles records in order and stops at the first failure, as a real ReportBatchItemFailures handler does.
/// </summary>
public sealed class FlakyFunction : IStreamEventFunction
{
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public ConcurrentQueue<string> Handled { get; } = new();

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        var streamEvent = await JsonSerializer.DeserializeAsync(payload, StreamsJsonContext.Default.DynamoDbStreamEvent, cancellationToken);
        var failures = new List<BatchItemFailure>();
        foreach (var record in streamEvent!.Records)
        {
            var id = record.Dynamodb!.Keys!["pk"].S!;
            var attempt = Attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
            var mode = record.Dynamodb.NewImage?.GetValueOrDefault("fail")?.S;
            if (mode == "throw-once" && attempt == 1)
            {
                throw new InvalidOperationException($"failing {id} on purpose");
            }

            if (mode == "always" || (mode == "twice" && attempt <= 2))
            {
                failures.Add(new BatchItemFailure { ItemIdentifier = record.Dynamodb.SequenceNumber });
                break;
            }

            Handled.Enqueue(id);
        }

        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(
            new StreamsEventResponse { BatchItemFailures = failures }, StreamsJsonContext.Default.StreamsEventResponse));
    }
}

public sealed class RetryFixture : IAsyncLifetime
{
    public const string FlakyTable = "flaky";

    public string Prefix { get; } = LocalStack.UniquePrefix("retry");

    public AmazonDynamoDBClient DynamoDb { get; } = LocalStack.DynamoDb();

    public RecordingLoggerProvider Logs { get; } = new();

    public FlakyFunction Function { get; } = new();

    private IHost? _runner;

    public async Task InitializeAsync()
    {
        await RunnerHost.CreateStreamTableAsync(DynamoDb, Prefix + FlakyTable);
        // MaximumRetryAttempts 2 = three attempts in all.
        _runner = await RunnerHost.StartWithAsync(
            await LocalStack.CreateDatabaseAsync("retry"), Prefix, Logs, Function, FlakyTable,
            settings: new Dictionary<string, string?> { ["Cumin:Runner:MaximumRetryAttempts"] = "2" });
    }

    public async Task DisposeAsync()
    {
        await RunnerHost.StopAsync(_runner);
        DynamoDb.Dispose();
    }
}

public sealed class RunnerRetryTests(RetryFixture fixture) : IClassFixture<RetryFixture>
{
    private async Task Put(string id, string? fail = null)
    {
        var item = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = id } };
        if (fail is not null)
        {
            item["fail"] = new() { S = fail };
        }

        await fixture.DynamoDb.PutItemAsync(fixture.Prefix + RetryFixture.FlakyTable, item);
    }

    private Task<string[]> HandledUntil(params string[] ids) =>
        Eventually.Until(() => Task.FromResult(fixture.Function.Handled.ToArray()), handled => ids.All(handled.Contains));

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Record_reported_as_failed_is_retried_until_it_succeeds_and_records_around_it_are_handled_once()
    {
        var (before, flaky, after) = (Id("before"), Id("twice"), Id("after"));
        await Put(before);
        await Put(flaky, "twice");
        await Put(after);

        var handled = await HandledUntil(before, flaky, after);

        Assert.Equal(3, fixture.Function.Attempts[flaky]);
        Assert.Single(handled, before);
        Assert.Single(handled, flaky);
        Assert.Single(handled, after);
        Assert.True(Array.IndexOf(handled, flaky) < Array.IndexOf(handled, after), "records after a failed one wait for it");
    }

    [Fact]
    public async Task Record_that_keeps_failing_is_skipped_after_MaximumRetryAttempts_with_an_error_log()
    {
        var (poison, after) = (Id("always"), Id("after"));
        await Put(poison, "always");
        await Put(after);

        var handled = await HandledUntil(after);

        Assert.Single(handled, after);
        Assert.DoesNotContain(poison, handled);
        Assert.Equal(3, fixture.Function.Attempts[poison]);
        Assert.Contains(fixture.Logs.Entries, e =>
            e.Level == LogLevel.Error && e.Message.Contains("failed 3 times; skipping it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Function_that_throws_gets_the_batch_again()
    {
        var thrower = Id("throw");
        await Put(thrower, "throw-once");

        var handled = await HandledUntil(thrower);

        Assert.Single(handled, thrower);
        Assert.Equal(2, fixture.Function.Attempts[thrower]);
        Assert.Contains(fixture.Logs.Entries, e => e.Level == LogLevel.Warning && e.Exception is InvalidOperationException);
    }
}
