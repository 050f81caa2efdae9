using System.Net;
using System.Net.Sockets;

namespace Cumin.Api.Tests.Security;

/// <summary>
/// HTTP clients whose connections come from a chosen loopback address: Linux routes all of 127.0.0.0/8 to lo, so a
/// socket bound to 127.0.0.2 before connecting is, to the API on 127.0.0.1, another host (a proxy, an attacker, an owner).
/// </summary>
internal static class LoopbackClient
{
    public static HttpClient From(string localAddress, Uri api)
    {
        var local = IPAddress.Parse(localAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler) { BaseAddress = new UriBuilder(api) { Host = "127.0.0.1" }.Uri };
    }
}
