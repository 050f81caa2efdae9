using Microsoft.Extensions.Configuration;

namespace Cumin.Clustering;

/// <summary>
/// Configuration section <c>Cumin:Orleans</c> as clustering reads it, on silos and on the API alike.
/// Orleans's own <c>ClusterMembershipOptions</c> bind from <c>Cumin:Orleans:Membership</c> (probe timeouts, defunct
/// silo cleanup); the database is <c>ConnectionStrings:Postgres</c>.
/// </summary>
public sealed class ClusteringOptions
{
    public const string Section = "Cumin:Orleans";

    /// <summary>Where <c>ClusterMembershipOptions</c> bind from.</summary>
    public const string MembershipSection = Section + ":Membership";

    public const string ConnectionStringName = "Postgres";

    /// <summary>The ADO.NET provider invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Environment variable ECS sets in every container of a task (task metadata endpoint v4).</summary>
    public const string EcsMetadataVariable = "ECS_CONTAINER_METADATA_URI_V4";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    public string ClusterId { get; set; } = "cumin";

    public string ServiceId { get; set; } = "cumin";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients (the API) connect to. With localhost clustering the API connects to this port on loopback.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address a silo publishes in the membership table (AdoNet mode): an IP address; <c>ecs</c> (the task's
    /// address from the ECS task metadata endpoint); <c>host</c> (this host name's first IPv4 address, which is the
    /// container's address under Docker); or empty: the ECS address when <c>ECS_CONTAINER_METADATA_URI_V4</c> is set,
    /// loopback otherwise. A silo advertising loopback listens on loopback only; any other address listens on all
    /// interfaces.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>How long a starting silo or client keeps trying to reach PostgreSQL for the schema.</summary>
    public TimeSpan SchemaRetryTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether a client (the API) applies the membership schema before it reads the gateways. Off where the API's
    /// database role may only read (deploy/cumin.yaml): the silos, whose role owns the membership tables, apply it.
    /// </summary>
    public bool ApplySchema { get; set; } = true;

    public static ClusteringOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ClusteringOptions>() ?? new ClusteringOptions();

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Section}:Clustering is {ClusteringMode.AdoNet}, which needs ConnectionStrings:{ConnectionStringName} (env ConnectionStrings__{ConnectionStringName}).");
}
