using Orleans.Messaging;

namespace Cumin.Clustering.Postgres;

/// <summary>
/// Orleans's ADO.NET gateway list (the active silos' gateways, read from the membership table), preceded by our
/// schema so an API instance that starts before any silo finds the queries it needs.
/// </summary>
internal sealed class PostgresGatewayListProvider(IGatewayListProvider inner, PostgresClusteringSchema? schema, TimeSpan schemaRetryTime) : IGatewayListProvider
{
    private IGatewayListProvider Inner => inner;

    public TimeSpan MaxStaleness => Inner.MaxStaleness;

    [Obsolete("This attribute is no longer used and all providers are considered updatable")]
    public bool IsUpdatable => true;

    public async Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken = default)
    {
        if (schema is not null)
        {
            await schema.EnsureAsync(schemaRetryTime, cancellationToken);
        }

        await Inner.InitializeGatewayListProviderAsync(cancellationToken);
    }

    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync();

    public Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken = default) => Inner.GetGatewaysAsync(cancellationToken);

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync();
}
