using Amazon.DynamoDBv2;
using Amazon.SQS;
using Cumin.Lambdas.Export;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Hosting;

public static class ExporterServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ExporterFunction"/> and its clients; options from <c>Cumin:Exports</c>, the queue from
    /// <c>Cumin:Notifications:QueueName</c>, table names from <c>Cumin:Tables</c>.
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
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExporterOptions>, ExporterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The SDK finds endpoints (AWS_ENDPOINT_URL_DYNAMODB / _SQS), region and credentials by itself; S3 needs path style locally.
        services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
        services.TryAddSingleton<IAmazonSQS>(_ => new AmazonSQSClient());
        services.TryAddSingleton(_ => ExporterClients.S3(configuration));
        services.TryAddSingleton(sp => new ExporterFunction(
            sp.GetRequiredService<IAmazonDynamoDB>(),
            sp.GetRequiredService<Amazon.S3.IAmazonS3>(),
            sp.GetRequiredService<IAmazonSQS>(),
            sp.GetRequiredService<IOptions<ExporterOptions>>(),
            sp.GetRequiredService<IOptions<TableOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ExporterFunction>>()));
        return services;
    }
}
