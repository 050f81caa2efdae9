using System.Net;
using Cumin.Clustering.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService;

namespace Cumin.Clustering.Hosting;

public static class ClusteringSiloBuilderExtensions
{
    /// <summary>
    /// Clustering as configured: <c>Cumin:Orleans:Clustering</c> = <c>Localhost</c> (default) or <c>AdoNet</c>
    /// (membership in PostgreSQL, <c>ConnectionStrings:Postgres</c>, schema applied on first use). In AdoNet mode the
    /// silo listens on <c>SiloPort</c> and <c>GatewayPort</c> and advertises <c>AdvertisedIPAddress</c>.
    /// </summary>
    public static ISiloBuilder UseCuminClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = ClusteringOptions.From(configuration);
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(ConfigureMembershipDefaults)
            .Bind(configuration.GetSection(ClusteringOptions.MembershipSection));

        if (options.Clustering == ClusteringMode.Localhost)
        {
            return silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        var connectionString = ClusteringOptions.ConnectionString(configuration);
        silo.Services.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.Services.AddSingleton<IConfigureOptions<EndpointOptions>>(_ => new ConfigureNamedOptions<EndpointOptions>(
            Options.DefaultName, endpoint => ConfigureEndpoint(endpoint, options)));

        silo.Services.AddOptions<AdoNetClusteringSiloOptions>().Configure(adoNet =>
        {
            adoNet.Invariant = ClusteringOptions.Invariant;
            adoNet.ConnectionString = connectionString;
        });
        silo.Services.AddSingleton<IConfigurationValidator, AdoNetClusteringSiloOptionsValidator>();
        silo.Services.AddSingleton(services => new PostgresClusteringSchema(
            connectionString,
            services.GetRequiredService<ILogger<PostgresClusteringSchema>>(),
            services.GetService<TimeProvider>()));
        silo.Services.AddSingleton<IMembershipTable>(services => new PostgresMembershipTable(
            ActivatorUtilities.CreateInstance<AdoNetClusteringTable>(services),
            services.GetRequiredService<PostgresClusteringSchema>(),
            options.SchemaRetryTime));
        return silo;
    }

    internal static readonly TimeSpan MembershipProbeTimeout = TimeSpan.FromSeconds(1.5);

    internal const int MembershipMissedProbes = 3;

    /// <summary>The least time from a silo's crash to its death being declared: every missed probe waits its timeout.</summary>
    /// <remarks>Declared after the fields it is computed from: static fields are initialised in the order they are written.</remarks>
    public static readonly TimeSpan LeastFailureDetectionTime = MembershipProbeTimeout * MembershipMissedProbes;

    /// <summary>
    /// Failure detection tuned so that a crashed silo's grains answer again from another silo within seconds (Orleans's
    /// defaults take about half a minute): probes every 1.5 s, three missed ones to suspect, two votes to declare it dead
    /// (or every other silo's, in a cluster of two), the table read every 10 s besides the gossip. deploy/README.md says
    /// what each trades. Dead silos' rows are deleted a day after their last heartbeat (Orleans keeps them seven days by
    /// default), checked hourly; ECS replaces tasks on every deployment, so a week of rows would be mostly noise.
    /// Configuration under <c>Cumin:Orleans:Membership</c> overrides these and any other <see cref="ClusterMembershipOptions"/>.
    /// </summary>
    internal static void ConfigureMembershipDefaults(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = MembershipProbeTimeout;
        membership.NumMissedProbesLimit = MembershipMissedProbes;
        membership.NumVotesForDeathDeclaration = 2;
        membership.NumProbedSilos = 3;
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        membership.DefunctSiloExpiration = TimeSpan.FromDays(1);
        membership.DefunctSiloCleanupPeriod = TimeSpan.FromHours(1);
    }

    private static void ConfigureEndpoint(EndpointOptions endpoint, ClusteringOptions options)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var advertised = AdvertisedAddress.Resolve(options.AdvertisedIPAddress, Environment.GetEnvironmentVariable, http);
        endpoint.AdvertisedIPAddress = advertised;
        endpoint.SiloPort = options.SiloPort;
        endpoint.GatewayPort = options.GatewayPort;
        // Loopback stays on loopback (a developer's machine); a container or task address means other hosts connect,
        // and the port may be reached through any of the task's interfaces.
        var listen = IPAddress.IsLoopback(advertised) ? advertised : IPAddress.Any;
        endpoint.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
        endpoint.GatewayListeningEndpoint = new IPEndPoint(listen, options.GatewayPort);
    }
}
