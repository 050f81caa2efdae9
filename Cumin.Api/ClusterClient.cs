namespace Cumin.Api;

/// <summary>Configuration section <c>Cumin:Orleans</c> as the API (an Orleans client) reads it.</summary>
public sealed class ClusterClientOptions
{
    public const string Section = "Cumin:Orleans";

    public string ClusterId { get; set; } = "cumin";

    public string ServiceId { get; set; } = "cumin";

    /// <summary>The silo gateway to use with localhost clustering.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary><c>Localhost</c> (default) or <c>AdoNet</c>: see Cumin.Clustering's ClusteringOptions, which the client reads.</summary>
    public Cumin.Clustering.ClusteringMode Clustering { get; set; } = Cumin.Clustering.ClusteringMode.Localhost;

    public static ClusterClientOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ClusterClientOptions>() ?? new ClusterClientOptions();
}

internal static class ClusterClientSetup
{
    /// <summary>
    /// Localhost or PostgreSQL (ADO.NET) clustering as <c>Cumin:Orleans:Clustering</c> says (Cumin.Clustering), with
    /// every setting read from configuration when options are first used (not when the host is being built), so
    /// configuration added later by the environment or a test host applies.
    /// </summary>
    public static IClientBuilder UseCuminClustering(this IClientBuilder client, IConfiguration configuration)
    {
        Cumin.Clustering.Hosting.ClusteringClientBuilderExtensions.UseCuminClustering(client, configuration);
        // Start even while the silos are still starting: keep trying to connect, every second.
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        return client;
    }
}
