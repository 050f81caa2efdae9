using Amazon.DynamoDBv2;
using Amazon.SQS;
using Cumin.Lambdas.Activity;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Webhooks;
using Cumin.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.LocalRunner;

public static class EventSourceRunnerServiceCollectionExtensions
{
    /// <summary>
    /// The local event-source runner (options from <c>Cumin:Runner</c>; checkpoints in the Lambdas' database). Register
    /// mappings on the returned builder: <c>.AddStreamEventSource&lt;AggregatorFunction&gt;(TableNames.Tasks)</c>.
    /// </summary>
    public static EventSourceRunnerBuilder AddEventSourceRunner(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLambdasDatabase(configuration);
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.AddOptions<EventSourceRunnerOptions>()
            .Bind(configuration.GetSection(EventSourceRunnerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventSourceRunnerOptions>, EventSourceRunnerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddFunctionAwsClients();
        services.TryAddSingleton(sp => new DynamoDbStreamsClient(new DynamoDbStreamsClientOptions(), timeProvider: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<StreamCheckpointStore>();
        // Hosted services start in registration order: the schema exists before the first poll.
        services.AddHostedService<LambdasDatabaseMigrator>();
        services.AddHostedService<StreamEventSourceRunner>();
        return new EventSourceRunnerBuilder(services);
    }
}

/// <summary>Registers (table → function) pairs with the local event-source runner.</summary>
public sealed class EventSourceRunnerBuilder(IServiceCollection services)
{
    /// <summary>
    /// Users' export jobs worked at once per shard (the jobs table's partition key is the user): one user's queued exports
    /// never hold up another's by more than the one export running. deploy/cumin.yaml's exporter mapping has the same.
    /// </summary>
    public const int ExporterParallelizationFactor = 10;

    /// <summary>
    /// The aggregator's records are retried until they are counted (deploy/cumin.yaml's aggregator mappings say the
    /// same): its failures are the database being away, and skipping a record would leave a project's counts wrong for
    /// good. Records it cannot read at all it acknowledges itself.
    /// </summary>
    public const int AggregatorMaximumRetryAttempts = -1;

    /// <summary>
    /// An export job's record is retried until the job ends (deploy/cumin.yaml's exporter mapping retries it for an
    /// hour, well within <c>ExportLimits.StaleAfter</c>): what fails it is DynamoDB, S3 or SQS being away, and a record
    /// given up after a few quick attempts left its job "running" with no notification until it went stale. What goes
    /// wrong with the export itself ends the job as failed, so only an outage keeps a record here; it holds back only
    /// its own user's jobs (<see cref="ExporterParallelizationFactor"/>).
    /// </summary>
    public const int ExporterMaximumRetryAttempts = -1;

    /// <summary>
    /// The activity's records are retried until they are written, as the aggregator's (deploy/cumin.yaml's activity
    /// mappings say the same): a failure is the database being away, and a skipped record would be a change missing
    /// from the log for good.
    /// </summary>
    public const int ActivityMaximumRetryAttempts = -1;

    /// <summary>The tables whose streams feed the activity log, each its own mapping (deploy/cumin.yaml has one each).</summary>
    public static IReadOnlyList<string> ActivityTables { get; } = [TableNames.Tasks, TableNames.Comments, TableNames.Labels, TableNames.Projects];

    public IServiceCollection Services { get; } = services;

    /// <summary>The aggregator on the tasks and projects tables, retrying each record until it is counted.</summary>
    public EventSourceRunnerBuilder AddAggregatorEventSources() =>
        AddStreamEventSource<AggregatorFunction>(TableNames.Tasks, maximumRetryAttempts: AggregatorMaximumRetryAttempts)
            .AddStreamEventSource<AggregatorFunction>(TableNames.Projects, maximumRetryAttempts: AggregatorMaximumRetryAttempts);

    /// <summary>The exporter on the jobs table, several users at once, each job retried until it ends.</summary>
    public EventSourceRunnerBuilder AddExporterEventSource() =>
        AddStreamEventSource<ExporterFunction>(
            TableNames.Jobs, parallelizationFactor: ExporterParallelizationFactor, maximumRetryAttempts: ExporterMaximumRetryAttempts);

    /// <summary>The activity function on the tasks, comments, labels and projects tables, each record retried until written.</summary>
    public EventSourceRunnerBuilder AddActivityEventSources()
    {
        foreach (var table in ActivityTables)
        {
            AddStreamEventSource<ActivityFunction>(table, maximumRetryAttempts: ActivityMaximumRetryAttempts);
        }

        return this;
    }

    /// <summary>
    /// The webhook functions: the event function on every table whose changes are project events, each record retried
    /// until it is queued (its failures are DynamoDB or SQS being away), and the deliverer on the deliveries queue.
    /// </summary>
    public EventSourceRunnerBuilder AddWebhookEventSources()
    {
        foreach (var table in ProjectEventReader.Tables)
        {
            AddStreamEventSource<WebhookEventFunction>(table, maximumRetryAttempts: -1);
        }

        return AddQueueEventSource<WebhookDeliveryFunction>(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.QueueName);
    }

    /// <summary>
    /// Feeds the SQS queue <paramref name="queueName"/> to <typeparamref name="TFunction"/>, <paramref name="concurrency"/>
    /// batches of up to <paramref name="batchSize"/> messages at once (deploy/cumin.yaml's mapping says the same batch size).
    /// </summary>
    public EventSourceRunnerBuilder AddQueueEventSource<TFunction>(Func<IServiceProvider, string> queueName, int batchSize = 10, int concurrency = 4)
        where TFunction : class, IStreamEventFunction
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        Services.TryAddSingleton<TFunction>();
        Services.AddFunctionAwsClients();
        Services.AddSingleton(new QueueEventSourceMapping(typeof(TFunction).Name, queueName, sp => sp.GetRequiredService<TFunction>(), batchSize, concurrency));
        if (!Services.Any(d => d.ImplementationType == typeof(QueueEventSourceRunner)))
        {
            Services.AddHostedService<QueueEventSourceRunner>();
        }

        return this;
    }

    /// <summary>
    /// Feeds the stream of table <c>{Cumin:Tables:Prefix}{table}</c> to <typeparamref name="TFunction"/>, resolved
    /// from the container: register a function with its own <c>Add…</c> (the registration its Lambda entry point uses
    /// too); a type registered by nothing else is added here as a singleton. Checkpoints are kept under <paramref name="name"/>, by default the function's type name.
    /// <paramref name="parallelizationFactor"/> above 1 works that many partition keys of a shard at once, each key in
    /// order (the template's mapping says the same). <paramref name="maximumRetryAttempts"/>, when given, is this
    /// mapping's own (-1: until the record succeeds) instead of <c>Cumin:Runner:MaximumRetryAttempts</c>.
    /// </summary>
    public EventSourceRunnerBuilder AddStreamEventSource<TFunction>(
        string table, string? name = null, int parallelizationFactor = 1, int? maximumRetryAttempts = null)
        where TFunction : class, IStreamEventFunction
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelizationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumRetryAttempts ?? 0, -1);
        Services.TryAddSingleton<TFunction>();
        Services.AddSingleton(new EventSourceMapping(
            name ?? typeof(TFunction).Name, table, sp => sp.GetRequiredService<TFunction>(), parallelizationFactor, maximumRetryAttempts));
        return this;
    }
}

/// <summary>Applies the EF Core migrations as the runner starts, when <c>Cumin:Runner:MigrateOnStart</c> is true.</summary>
internal sealed class LambdasDatabaseMigrator(IServiceProvider services, IOptions<EventSourceRunnerOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStart)
        {
            await services.MigrateLambdasDatabaseAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
