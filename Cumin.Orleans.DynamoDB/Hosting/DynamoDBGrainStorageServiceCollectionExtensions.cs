using Cumin.Orleans.DynamoDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace Orleans.Hosting;

/// <summary><see cref="IServiceCollection"/> extensions registering DynamoDB grain storage.</summary>
public static class DynamoDBGrainStorageServiceCollectionExtensions
{
    /// <summary>Registers DynamoDB grain storage as the default grain storage provider.</summary>
    public static IServiceCollection AddDynamoDBGrainStorageAsDefault(this IServiceCollection services, Action<DynamoDBGrainStorageOptions> configureOptions) =>
        services.AddDynamoDBGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Registers DynamoDB grain storage as the grain storage provider named <paramref name="name"/>.</summary>
    public static IServiceCollection AddDynamoDBGrainStorage(this IServiceCollection services, string name, Action<DynamoDBGrainStorageOptions> configureOptions) =>
        services.AddDynamoDBGrainStorage(name, builder => builder.Configure(configureOptions));

    /// <summary>Registers DynamoDB grain storage as the default provider, configured through an options builder (e.g. <c>ob.BindConfiguration("…")</c>).</summary>
    public static IServiceCollection AddDynamoDBGrainStorageAsDefault(this IServiceCollection services, Action<OptionsBuilder<DynamoDBGrainStorageOptions>>? configureOptions = null) =>
        services.AddDynamoDBGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Registers DynamoDB grain storage as provider <paramref name="name"/>, configured through an options builder (e.g. <c>ob.BindConfiguration("…")</c>).</summary>
    public static IServiceCollection AddDynamoDBGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<DynamoDBGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        configureOptions?.Invoke(services.AddOptions<DynamoDBGrainStorageOptions>(name));
        services.AddTransient<IConfigurationValidator>(sp => new DynamoDBGrainStorageOptionsValidator(
            sp.GetRequiredService<IOptionsMonitor<DynamoDBGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<DynamoDBGrainStorageOptions>(name);
        return services.AddGrainStorage(name, DynamoDBGrainStorageFactory.Create);
    }
}
