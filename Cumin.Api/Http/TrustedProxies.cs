using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Cumin.Api.Http;

/// <summary>
/// Configuration section <c>Cumin:ForwardedHeaders</c>: which peers may say who the client is (<c>X-Forwarded-For</c>,
/// <c>X-Forwarded-Proto</c>). Every per-client rate limit keys on the address this yields, so a peer that is not listed
/// is the client, whatever it sends.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "Cumin:ForwardedHeaders";

    /// <summary>Proxy addresses (NGINX under compose). Default, when neither list is set: 127.0.0.1 and ::1 only.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form (the load balancer's VPC in AWS, which only it can reach the API from).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many proxies to read back through: 1 takes the address the nearest trusted proxy added and ignores what the
    /// client put before it.
    /// </summary>
    public int ForwardLimit { get; set; } = 1;
}

internal static class TrustedProxies
{
    /// <summary>
    /// Replaces ASP.NET Core's defaults (all of 127.0.0.0/8 and ::1) with exactly the configured proxies, so another
    /// process on the host is not trusted by accident. Fails start-up on an address or network that does not parse.
    /// </summary>
    public static void Configure(ForwardedHeadersOptions forwarded, TrustedProxyOptions options)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = options.ForwardLimit < 1
            ? throw new InvalidOperationException($"{TrustedProxyOptions.Section}:ForwardLimit must be at least 1.")
            : options.ForwardLimit;
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        var proxies = options.KnownProxies.Where(p => p.Length > 0).ToList();
        var networks = options.KnownNetworks.Where(n => n.Length > 0).ToList();
        if (proxies.Count == 0 && networks.Count == 0)
        {
            proxies = ["127.0.0.1", "::1"];
        }

        foreach (var proxy in proxies)
        {
            forwarded.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"{TrustedProxyOptions.Section}:KnownProxies: '{proxy}' is not an IP address."));
        }

        foreach (var network in networks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{TrustedProxyOptions.Section}:KnownNetworks: '{network}' is not a CIDR network."));
        }
    }

    /// <summary>
    /// The key of a client for rate limits: its IPv4 address, or the /64 of an IPv6 one (a single host is routinely given
    /// a whole /64, so keying on full IPv6 addresses would give one attacker 2^64 buckets).
    /// </summary>
    public static string ClientKey(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
