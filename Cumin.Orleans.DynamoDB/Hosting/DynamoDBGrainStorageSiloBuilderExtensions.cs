using Cumin.Orleans.DynamoDB;
using Microsoft.Extensions.Options;

namespace Orleans.Hosting;

/// <summary><see cref="ISiloBuilder"/> extensions registering DynamoDB grain storage.</summary>
public static class DynamoDBGrainStorageSiloBuilderExtensions
{
    /// <summary>Registers DynamoDB grain storage as the default grain storage provider.</summary>
    public static ISiloBuilder AddDynamoDBGrainStorageAsDefault(this ISiloBuilder builder, Action<DynamoDBGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDynamoDBGrainStorageAsDefault(configureOptions);
        return builder;
    }

    /// <summary>Registers DynamoDB grain storage as the grain storage provider named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddDynamoDBGrainStorage(this ISiloBuilder builder, string name, Action<DynamoDBGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDynamoDBGrainStorage(name, configureOptions);
        return builder;
    }

    /// <summary>Registers DynamoDB grain storage as the default provider, configured through an options builder.</summary>
    public static ISiloBuilder AddDynamoDBGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<DynamoDBGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDynamoDBGrainStorageAsDefault(configureOptions);
        return builder;
    }

    /// <summary>Registers DynamoDB grain storage as provider <paramref name="name"/>, configured through an options builder.</summary>
    public static ISiloBuilder AddDynamoDBGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<DynamoDBGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDynamoDBGrainStorage(name, configureOptions);
        return builder;
    }
}
