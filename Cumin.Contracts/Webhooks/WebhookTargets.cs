using System.Net;
using System.Net.Sockets;

namespace Cumin.Webhooks;

/// <summary>
/// Where a webhook may point (API.md, "Webhooks"): an absolute <c>https://</c> URL (<c>http://</c> only where allowed),
/// whose host is not, and does not resolve to, a loopback, private, link-local, unspecified or cloud-metadata address
/// unless private targets are allowed. The API checks a URL when a webhook is made or changed; the deliverer checks the
/// address it actually connects to at every delivery, so a name that resolves elsewhere later (DNS rebinding) is caught.
/// One home for the rule, here because the API and the Lambdas both apply it.
/// </summary>
public static class WebhookTargets
{
    public const int UrlMax = 2000;

    /// <summary>Null when <paramref name="url"/> is well formed for a webhook; otherwise why not.</summary>
    public static string? CheckUrl(string? url, bool allowHttp, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > UrlMax)
        {
            return $"url must be an absolute URL of at most {UrlMax} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.IsUnc || string.IsNullOrEmpty(parsed.Host))
        {
            return "url must be an absolute http(s) URL";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(allowHttp && parsed.Scheme == Uri.UriSchemeHttp))
        {
            return allowHttp ? "url must start with https:// or http://" : "url must start with https://";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "url must not carry a user name or password";
        }

        uri = parsed;
        return null;
    }

    /// <summary>
    /// Null when every address <paramref name="host"/> is or resolves to may be called; otherwise why not. A name that does
    /// not resolve is refused too: there is nothing to deliver to.
    /// </summary>
    public static async Task<string?> CheckHostAsync(string host, bool allowPrivateTargets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException)
            {
                return $"the host '{host}' does not resolve";
            }
        }

        if (addresses.Length == 0)
        {
            return $"the host '{host}' does not resolve";
        }

        if (allowPrivateTargets)
        {
            return null;
        }

        return addresses.FirstOrDefault(IsForbidden) is { } forbidden
            ? $"the host '{host}' is or resolves to {forbidden}, a loopback, private, link-local or metadata address"
            : null;
    }

    /// <summary>
    /// Loopback, unspecified (0.0.0.0, ::), private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), link-local
    /// (169.254/16 with the cloud metadata address 169.254.169.254, fe80::/10), multicast, broadcast, and IPv4 written as
    /// IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) judged by the IPv4 inside.
    /// </summary>
    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedIPv4(address) is { } embedded)
        {
            return IsForbidden(embedded);
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0                                   // 0.0.0.0/8: "this network"
                   || b[0] == 10                               // private
                   || b[0] == 127                              // loopback
                   || (b[0] == 100 && (b[1] & 0xC0) == 64)     // carrier-grade NAT, 100.64/10
                   || (b[0] == 169 && b[1] == 254)             // link-local, the metadata address among them
                   || (b[0] == 172 && (b[1] & 0xF0) == 16)     // private
                   || (b[0] == 192 && b[1] == 168)             // private
                   || (b[0] == 192 && b[1] == 0 && b[2] == 0)  // IETF protocol assignments (192.0.0.192 is a metadata address on some clouds)
                   || (b[0] == 198 && (b[1] & 0xFE) == 18)     // benchmarking, 198.18/15
                   || b[0] >= 224;                             // multicast and reserved
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                   || (b[0] & 0xFE) == 0xFC                    // unique local, fc00::/7 (AWS's metadata service is fd00:ec2::254)
                   || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0); // discard-only 100::/64
        }

        return true;
    }

    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        // ::a.b.c.d (deprecated IPv4-compatible; not :: and ::1 themselves), 64:ff9b::a.b.c.d (NAT64).
        var compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1);
        var nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        if (compatible || nat64)
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        // 6to4, 2002:a.b.c.d::/48.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return new IPAddress(b.AsSpan(2, 4));
        }

        return null;
    }
}
