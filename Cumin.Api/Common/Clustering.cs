namespace Cumin.Api.Common;

/// <summary>Configuration section <c>Cumin:Orleans</c> as the API (an Orleans client) reads it.</summary>
public sealed class ClusterClientOptions
{
    public const string Section = "Cumin:Orleans";

    public string ClusterId { get; set; } = "cumin";

    public string ServiceId { get; set; } = "cumin";

    /// <summary>The silo gateway to use with localhost clustering.</summary>
    public int GatewayPort { get; set; } = 30000;
}

internal static partial class ClusterClientSetup
{
    public static IClientBuilder UseCuminClustering(this IClientBuilder client, IConfiguration configuration)
    {
        var options = configuration.GetSection(ClusterClientOptions.Section).Get<ClusterClientOptions>() ?? new ClusterClientOptions();
        client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
        // Start even while the silos are still starting: keep trying to connect, every second.
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        return client;
    }
}
