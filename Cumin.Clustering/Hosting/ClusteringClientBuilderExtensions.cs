using System.Net;
using Cumin.Clustering.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;

namespace Cumin.Clustering.Hosting;

public static class ClusteringClientBuilderExtensions
{
    /// <summary>How long the API waits for a grain's answer (<c>Cumin:Orleans:Messaging:ResponseTimeout</c> overrides it).</summary>
    public static readonly TimeSpan ClientResponseTimeout = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The client side of <see cref="ClusteringSiloBuilderExtensions.UseCuminClustering"/>: with <c>Localhost</c> the
    /// gateway at <c>GatewayPort</c> on loopback, with <c>AdoNet</c> every active silo's gateway from the PostgreSQL
    /// membership table. Configuration is read when the client first needs it, not while the host is being built,
    /// so configuration a test host or the environment adds later still applies.
    /// </summary>
    public static IClientBuilder UseCuminClustering(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var services = client.Services;
        services.AddOptions<ClusterOptions>().Configure(cluster =>
        {
            var settings = ClusteringOptions.From(configuration);
            cluster.ClusterId = settings.ClusterId;
            cluster.ServiceId = settings.ServiceId;
        });
        services.AddOptions<StaticGatewayListProviderOptions>().Configure(gateways =>
            gateways.Gateways = [new IPEndPoint(IPAddress.Loopback, ClusteringOptions.From(configuration).GatewayPort).ToGatewayUri()]);
        services.AddOptions<AdoNetClusteringClientOptions>().Configure(adoNet =>
        {
            adoNet.Invariant = ClusteringOptions.Invariant;
            adoNet.ConnectionString = ClusteringOptions.ConnectionString(configuration);
        });
        // A silo that stops (or is killed) drops out of the list at the next refresh; connections to it fail at once
        // anyway, so this only bounds how soon a newly started silo receives traffic from this client.
        services.AddOptions<GatewayOptions>().Configure(gateway => gateway.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
        // A call that has no answer in 8 s fails (503 at the API) instead of waiting Orleans's 30 s: a silo that crashed
        // holding the call is declared dead well within it, and a client (or NGINX) sees an answer within 10 s.
        services.AddOptions<ClientMessagingOptions>()
            .Configure(messaging => messaging.ResponseTimeout = ClientResponseTimeout)
            .Bind(configuration.GetSection(ClusteringOptions.Section + ":Messaging"));
        services.TryAddSingleton(provider => new PostgresClusteringSchema(
            ClusteringOptions.ConnectionString(configuration),
            provider.GetRequiredService<ILogger<PostgresClusteringSchema>>(),
            provider.GetService<TimeProvider>()));
        services.RemoveAll<IGatewayListProvider>();
        services.AddSingleton<IGatewayListProvider>(provider =>
        {
            var settings = ClusteringOptions.From(configuration);
            return settings.Clustering == ClusteringMode.AdoNet
                ? new PostgresGatewayListProvider(
                    ActivatorUtilities.CreateInstance<AdoNetGatewayListProvider>(provider),
                    settings.ApplySchema ? provider.GetRequiredService<PostgresClusteringSchema>() : null,
                    settings.SchemaRetryTime)
                : ActivatorUtilities.CreateInstance<StaticGatewayListProvider>(provider);
        });
        return client;
    }
}
