using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.SQS;
using Cumin.Lambdas.Export;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Hosting;

public static class ExporterServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ExporterFunction"/> and what it needs; options from <c>Cumin:Exports</c>, the queue from
    /// <c>Cumin:Notifications:QueueName</c>, table names from <c>Cumin:Tables</c>. The one registration of the exporter:
    /// its Lambda entry point (<see cref="FunctionServices"/>) and the local runner both use it.
    /// </summary>
    public static IServiceCollection AddExporter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.AddOptions<ExporterOptions>()
            .Bind(configuration.GetSection(ExporterOptions.SectionName))
            .Configure(options =>
            {
                if (configuration[ExporterOptions.QueueNameKey] is { Length: > 0 } queueName)
                {
                    options.QueueName = queueName;
                }
            })
            // Unless configured: create what is missing only against a local S3 stand-in (an endpoint override).
            .PostConfigure<IAmazonS3>((options, s3) => options.CreateMissing ??= s3.Config.ServiceURL is not null)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExporterOptions>, ExporterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddFunctionAwsClients();
        services.TryAddSingleton(_ => ExporterClients.S3(configuration));
        services.TryAddSingleton(sp => new ExportJobTable(sp.GetRequiredService<IAmazonDynamoDB>(), TableName(sp, TableNames.Jobs)));
        services.TryAddSingleton(sp => new ProjectTable(sp.GetRequiredService<IAmazonDynamoDB>(), TableName(sp, TableNames.Projects)));
        services.TryAddSingleton(sp => new LabelTable(sp.GetRequiredService<IAmazonDynamoDB>(), TableName(sp, TableNames.Labels)));
        services.TryAddSingleton(sp => new TaskCsvWriter(sp.GetRequiredService<IAmazonDynamoDB>(), TableName(sp, TableNames.Tasks)));
        services.TryAddSingleton<ExportFileStore>();
        services.TryAddSingleton<ExportNotifier>();
        services.TryAddSingleton<Exporter>();
        services.TryAddSingleton<ExporterFunction>();
        return services;
    }

    private static string TableName(IServiceProvider services, string table) =>
        services.GetRequiredService<IOptions<TableOptions>>().Value.NameOf(table);
}
