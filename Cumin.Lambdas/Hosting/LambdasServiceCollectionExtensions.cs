using Amazon.DynamoDBv2;
using Amazon.SQS;
using Cumin.Lambdas.Activity;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Hosting;

public static class LambdasServiceCollectionExtensions
{
    /// <summary>
    /// The DynamoDB and SQS clients every function and the local runner use, unless registered already (tests do). The
    /// SDK finds endpoints (<c>AWS_ENDPOINT_URL_DYNAMODB</c> / <c>_SQS</c>), region and credentials by itself; the
    /// exporter's S3 client needs path style locally and has its own (<see cref="Export.ExporterClients"/>).
    /// </summary>
    public static IServiceCollection AddFunctionAwsClients(this IServiceCollection services)
    {
        services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
        services.TryAddSingleton<IAmazonSQS>(_ => new AmazonSQSClient());
        return services;
    }

    /// <summary>The Lambdas' PostgreSQL database (<c>ConnectionStrings:Postgres</c>) as a pooled EF Core context factory.</summary>
    public static IServiceCollection AddLambdasDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Both a function and the runner's checkpoints need it; one registration serves both.
        if (services.Any(d => d.ServiceType == typeof(IDbContextFactory<LambdasDbContext>)))
        {
            return services;
        }

        services.AddPooledDbContextFactory<LambdasDbContext>(options => options.UseNpgsql(
            configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:Postgres is not set: set ConnectionStrings__Postgres, or in AWS {LambdaSecrets.PostgresConnectionStringKey.Replace(":", "__", StringComparison.Ordinal)} to the secret that holds it.")));
        // Every batch runs SQL (and the runner checkpoints every one): its text at Information would drown the log.
        services.AddLogging(logging => logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning));
        return services;
    }

    /// <summary>
    /// Applies the EF Core migrations (what <c>dotnet Cumin.Lambdas.LocalRunner.dll migrate</c> runs), then, when
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

    /// <summary>
    /// <see cref="AggregatorFunction"/> and what it needs: the database (<see cref="AddLambdasDatabase"/>), table names
    /// from <c>Cumin:Tables</c>, the notifications queue (<c>Cumin:Notifications:QueueName</c>) for <c>counts.updated</c>. The one registration of the aggregator: its Lambda entry point
    /// (<see cref="FunctionServices"/>) and the local runner both use it.
    /// </summary>
    public static IServiceCollection AddAggregator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLambdasDatabase(configuration);
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProjectCountsStore>();
        services.AddOptions<CountsNotifierOptions>().Bind(configuration.GetSection(CountsNotifierOptions.SectionName));
        services.AddFunctionAwsClients();
        services.TryAddSingleton<CountsNotifier>();
        services.TryAddSingleton<AggregatorFunction>();
        return services;
    }

    /// <summary>
    /// <see cref="ActivityFunction"/> and what it needs: the database, table names from <c>Cumin:Tables</c>, the cap
    /// from <c>Cumin:Activity</c>. Its Lambda entry point and the local runner both use this registration.
    /// </summary>
    public static IServiceCollection AddActivity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLambdasDatabase(configuration);
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.AddOptions<ActivityOptions>().Bind(configuration.GetSection(ActivityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActivityOptions>, ActivityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ActivityStore>();
        services.TryAddSingleton<ActivityFunction>();
        return services;
    }
}
