using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>The runner host as Program.cs builds it, with a test's database, table prefix and log recorder.</summary>
public static class RunnerHost
{
    public static IHost Build(
        string connectionString,
        string prefix,
        RecordingLoggerProvider logs,
        Action<EventSourceRunnerBuilder>? registerMore = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Cumin:Tables:Prefix"] = prefix,
            ["Cumin:Runner:PollInterval"] = "00:00:00.100",
            ["Cumin:Runner:DescribeInterval"] = "00:00:00.500",
            ["Cumin:Runner:TableWaitInterval"] = "00:00:00.200",
            ["Cumin:Runner:RetryDelay"] = "00:00:00.050",
            ["Cumin:Runner:MaxRetryDelay"] = "00:00:00.500",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddLambdasDatabase(builder.Configuration);
        builder.Services.AddAggregator(builder.Configuration);
        var runner = builder.Services.AddEventSourceRunner(builder.Configuration).AddAggregatorEventSources();
        registerMore?.Invoke(runner);
        return builder.Build();
    }

    /// <summary>
    /// The runner as <see cref="Build"/> makes it, started, with <paramref name="function"/> also fed from table
    /// <paramref name="table"/> (<paramref name="parallelizationFactor"/> keys of a shard at once).
    /// </summary>
    public static async Task<IHost> StartWithAsync<TFunction>(
        string connectionString,
        string prefix,
        RecordingLoggerProvider logs,
        TFunction function,
        string table,
        int parallelizationFactor = 1,
        IReadOnlyDictionary<string, string?>? settings = null)
        where TFunction : class, IStreamEventFunction
    {
        var runner = Build(connectionString, prefix, logs, builder =>
        {
            builder.Services.AddSingleton(function);
            builder.AddStreamEventSource<TFunction>(table, parallelizationFactor: parallelizationFactor);
        }, settings);
        await runner.StartAsync();
        return runner;
    }

    /// <summary>Stops and disposes a runner a fixture started, if it got that far.</summary>
    public static async Task StopAsync(IHost? runner)
    {
        if (runner is not null)
        {
            await runner.StopAsync();
            runner.Dispose();
        }
    }

    /// <summary>A table whose stream (new images) feeds a test's function: key <c>pk</c>, and <c>sk</c> when <paramref name="sortKey"/>.</summary>
    public static Task CreateStreamTableAsync(IAmazonDynamoDB dynamoDb, string tableName, bool sortKey = false) =>
        dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = tableName,
            AttributeDefinitions = sortKey ? [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)] : [new("pk", ScalarAttributeType.S)],
            KeySchema = sortKey ? [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)] : [new("pk", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_IMAGE },
        });
}
