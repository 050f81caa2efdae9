using System.Net;
using Orleans.Configuration;

namespace Cumin.Api.Common;

/// <summary>Configuration section <c>Cumin:Orleans</c> as the API (an Orleans client) reads it.</summary>
public sealed class ClusterClientOptions
{
    public const string Section = "Cumin:Orleans";

    public string ClusterId { get; set; } = "cumin";

    public string ServiceId { get; set; } = "cumin";

    /// <summary>The silo gateway to use with localhost clustering.</summary>
    public int GatewayPort { get; set; } = 30000;

    public static ClusterClientOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ClusterClientOptions>() ?? new ClusterClientOptions();
}

internal static class ClusterClientSetup
{
    /// <summary>
    /// Localhost clustering, with every setting read from configuration when options are first used (not when the
    /// host is being built), so configuration added later by the environment or a test host applies.
    /// </summary>
    public static IClientBuilder UseCuminClustering(this IClientBuilder client, IConfiguration configuration)
    {
        client.UseStaticClustering(gateways => gateways.Configure(options =>
            options.Gateways = [new IPEndPoint(IPAddress.Loopback, ClusterClientOptions.From(configuration).GatewayPort).ToGatewayUri()]));
        client.Services.AddOptions<ClusterOptions>().Configure(options =>
        {
            var settings = ClusterClientOptions.From(configuration);
            options.ClusterId = settings.ClusterId;
            options.ServiceId = settings.ServiceId;
        });
        // Start even while the silos are still starting: keep trying to connect, every second.
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        return client;
    }
}
