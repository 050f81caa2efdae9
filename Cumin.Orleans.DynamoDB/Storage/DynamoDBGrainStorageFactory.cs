using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cumin.Orleans.DynamoDB;

/// <summary>Creates the <see cref="DynamoDBGrainStorage"/> registered under a provider name.</summary>
public static class DynamoDBGrainStorageFactory
{
    /// <summary>Creates provider <paramref name="name"/> from its named options and the services.</summary>
    public static DynamoDBGrainStorage Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptionsMonitor<DynamoDBGrainStorageOptions>>().Get(name);
        var client = DynamoDBClientFactory.Resolve(services, name, options, out var owned);
        var storage = ActivatorUtilities.CreateInstance<DynamoDBGrainStorage>(services, name, options, client);
        storage.OwnsClient = owned;
        return storage;
    }
}
