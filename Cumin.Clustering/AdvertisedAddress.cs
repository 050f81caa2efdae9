using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Cumin.Clustering;

/// <summary>Works out the IP address a silo advertises to the others (see <see cref="ClusteringOptions.AdvertisedIPAddress"/>).</summary>
public static class AdvertisedAddress
{
    public const string Ecs = "ecs";

    public const string Host = "host";

    /// <param name="configured">The configured value.</param>
    /// <param name="environment">Reads an environment variable (the ECS metadata endpoint's).</param>
    /// <param name="http">Client for the ECS metadata endpoint.</param>
    public static IPAddress Resolve(string? configured, Func<string, string?> environment, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = configured?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return environment(ClusteringOptions.EcsMetadataVariable) is { Length: > 0 } endpoint
                ? FromEcsMetadata(endpoint, http)
                : IPAddress.Loopback;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            return address;
        }

        if (value.Equals(Ecs, StringComparison.OrdinalIgnoreCase))
        {
            return FromEcsMetadata(
                environment(ClusteringOptions.EcsMetadataVariable) is { Length: > 0 } endpoint
                    ? endpoint
                    : throw new InvalidOperationException($"{ClusteringOptions.Section}:AdvertisedIPAddress is '{Ecs}' but {ClusteringOptions.EcsMetadataVariable} is not set."),
                http);
        }

        if (value.Equals(Host, StringComparison.OrdinalIgnoreCase))
        {
            return FromHostName();
        }

        throw new InvalidOperationException(
            $"{ClusteringOptions.Section}:AdvertisedIPAddress must be an IP address, '{Ecs}', '{Host}' or empty; not '{value}'.");
    }

    /// <summary>
    /// The container metadata (GET on the endpoint itself) lists the container's networks; in awsvpc mode (Fargate)
    /// the first network's first IPv4 address is the task's ENI address, which the other tasks reach.
    /// </summary>
    public static IPAddress FromEcsMetadata(string endpoint, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        Exception? last = null;
        // The agent serves the endpoint from the container's first moment, but a retry costs nothing at start-up.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.TrimEnd('/'));
                using var response = http.Send(request);
                response.EnsureSuccessStatusCode();
                using var stream = response.Content.ReadAsStream();
                using var json = JsonDocument.Parse(stream);
                return ParseEcsContainerMetadata(json.RootElement);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                last = e;
                Thread.Sleep(TimeSpan.FromMilliseconds(200 * (attempt + 1)));
            }
        }

        throw new InvalidOperationException($"The ECS task metadata endpoint {endpoint} did not answer.", last);
    }

    internal static IPAddress ParseEcsContainerMetadata(JsonElement metadata)
    {
        if (metadata.TryGetProperty("Networks", out var networks) && networks.ValueKind == JsonValueKind.Array)
        {
            foreach (var network in networks.EnumerateArray())
            {
                if (network.TryGetProperty("IPv4Addresses", out var addresses) && addresses.ValueKind == JsonValueKind.Array)
                {
                    foreach (var address in addresses.EnumerateArray())
                    {
                        if (IPAddress.TryParse(address.GetString(), out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
                        {
                            return ip;
                        }
                    }
                }
            }
        }

        throw new InvalidOperationException("The ECS container metadata lists no IPv4 address (Networks[].IPv4Addresses).");
    }

    private static IPAddress FromHostName() =>
        Dns.GetHostAddresses(Dns.GetHostName())
            .FirstOrDefault(ip => ip.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(ip))
        ?? throw new InvalidOperationException($"The host name {Dns.GetHostName()} resolves to no IPv4 address other than loopback.");
}
