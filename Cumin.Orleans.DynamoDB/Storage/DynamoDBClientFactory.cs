using Amazon;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;

namespace Cumin.Orleans.DynamoDB;

/// <summary>Builds, or finds in the services, the DynamoDB client a grain-storage provider uses.</summary>
public static class DynamoDBClientFactory
{
    /// <summary>
    /// The client configuration a provider uses: the SDK's own endpoint and region resolution unless the options name
    /// them, tuned for many small requests, then <see cref="DynamoDBGrainStorageOptions.ConfigureClient"/>.
    /// </summary>
    public static AmazonDynamoDBConfig CreateConfig(DynamoDBGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonDynamoDBConfig
        {
            // A grain turn waits on every write: a dead connection should fail fast and be retried, not hang it.
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Timeout = TimeSpan.FromSeconds(20),
            // Unbounded connections per endpoint (the handler's default): concurrent grain writes never queue for a socket.
            MaxConnectionsPerServer = null,
        };

        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            if (!string.IsNullOrEmpty(options.Region))
            {
                config.AuthenticationRegion = options.Region;
            }
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        options.ConfigureClient?.Invoke(config);
        return config;
    }

    /// <summary>A new client built from <see cref="CreateConfig"/>, with credentials from the SDK's default chain.</summary>
    public static AmazonDynamoDBClient Create(DynamoDBGrainStorageOptions options) => new(CreateConfig(options));

    /// <summary>
    /// The client for provider <paramref name="name"/>: an <see cref="IAmazonDynamoDB"/> registered under that key;
    /// else a new one when the options name an endpoint or region; else the unkeyed <see cref="IAmazonDynamoDB"/> of the
    /// services; else a new one resolved by the SDK. <paramref name="owned"/> tells whether the caller must dispose it.
    /// </summary>
    public static IAmazonDynamoDB Resolve(IServiceProvider services, string name, DynamoDBGrainStorageOptions options, out bool owned)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        owned = false;
        if (services.GetKeyedService<IAmazonDynamoDB>(name) is { } keyed)
        {
            return keyed;
        }

        var named = !string.IsNullOrEmpty(options.ServiceUrl) || !string.IsNullOrEmpty(options.Region);
        if (!named && services.GetService<IAmazonDynamoDB>() is { } shared)
        {
            return shared;
        }

        owned = true;
        return Create(options);
    }
}
