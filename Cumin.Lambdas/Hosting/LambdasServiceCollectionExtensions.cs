using Amazon.DynamoDBv2;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Data;
using Cumin.Lambdas.Streams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Hosting;

public static class LambdasServiceCollectionExtensions
{
    /// <summary>The Lambdas' PostgreSQL database (<c>ConnectionStrings:Postgres</c>) as a pooled EF Core context factory.</summary>
    public static IServiceCollection AddLambdasDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPooledDbContextFactory<LambdasDbContext>(options => options.UseNpgsql(
            configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres (env ConnectionStrings__Postgres) is not set.")));
        return services;
    }

    /// <summary>
    /// Applies the EF Core migrations (what <c>dotnet Cumin.Lambdas.dll migrate</c> runs), then, when
    /// <c>Cumin:Database:Roles</c> gives the components' passwords, their least-privilege roles (<see cref="DatabaseRoles"/>).
    /// </summary>
    public static async Task MigrateLambdasDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<LambdasDbContext>>().CreateDbContextAsync(cancellationToken);
        // Npgsql's migrator finds out whether its history table exists by reading it, and EF logs that failed read as an
        // error on a fresh database (npgsql/efcore.pg#3407). Creating the table first, as migrating would, keeps that
        // first start's log true.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        var roles = services.GetService<IConfiguration>()?.GetSection(DatabaseRolesOptions.SectionName).Get<DatabaseRolesOptions>();
        if (roles is { IsConfigured: true })
        {
            await DatabaseRoles.ApplyAsync(db, roles, cancellationToken);
        }
    }

    /// <summary><see cref="AggregatorFunction"/> and what it needs; table names from <c>Cumin:Tables</c>.</summary>
    public static IServiceCollection AddAggregator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTableOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProjectCountsStore>();
        services.TryAddSingleton(sp => new AggregatorFunction(
            sp.GetRequiredService<ProjectCountsStore>(),
            sp.GetRequiredService<IOptions<TableOptions>>(),
            sp.GetRequiredService<ILogger<AggregatorFunction>>()));
        return services;
    }

    /// <summary>
    /// The local event-source runner (options from <c>Cumin:Runner</c>). Register mappings on the returned builder:
    /// <c>.AddStreamEventSource&lt;AggregatorFunction&gt;(TableNames.Tasks)</c>.
    /// </summary>
    public static EventSourceRunnerBuilder AddEventSourceRunner(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTableOptions(configuration);
        services.AddOptions<EventSourceRunnerOptions>()
            .Bind(configuration.GetSection(EventSourceRunnerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventSourceRunnerOptions>, EventSourceRunnerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The SDK finds its endpoint (AWS_ENDPOINT_URL_DYNAMODB), region and credentials by itself.
        services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
        services.TryAddSingleton(sp => new DynamoDbStreamsClient(new DynamoDbStreamsClientOptions(), timeProvider: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<StreamCheckpointStore>();
        // Hosted services start in registration order: the schema exists before the first poll.
        services.AddHostedService<LambdasDatabaseMigrator>();
        services.AddHostedService<StreamEventSourceRunner>();
        return new EventSourceRunnerBuilder(services);
    }

    private static void AddTableOptions(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
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

    public IServiceCollection Services { get; } = services;

    /// <summary>The aggregator on the tasks and projects tables, retrying each record until it is counted.</summary>
    public EventSourceRunnerBuilder AddAggregatorEventSources() =>
        AddStreamEventSource<Aggregation.AggregatorFunction>(TableNames.Tasks, maximumRetryAttempts: AggregatorMaximumRetryAttempts)
            .AddStreamEventSource<Aggregation.AggregatorFunction>(TableNames.Projects, maximumRetryAttempts: AggregatorMaximumRetryAttempts);

    /// <summary>The exporter on the jobs table, several users at once (<see cref="ExporterParallelizationFactor"/>).</summary>
    public EventSourceRunnerBuilder AddExporterEventSource() =>
        AddStreamEventSource<Export.ExporterFunction>(TableNames.Jobs, parallelizationFactor: ExporterParallelizationFactor);

    /// <summary>
    /// Feeds the stream of table <c>{Cumin:Tables:Prefix}{table}</c> to <typeparamref name="TFunction"/>, resolved
    /// from the container (registered as a singleton here unless already registered). Checkpoints are kept under
    /// <paramref name="name"/>, by default the function's type name. <paramref name="parallelizationFactor"/> above 1
    /// works that many partition keys of a shard at once, each key in order (the template's mapping says the same).
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
