using System.Net;
using System.Net.Sockets;

namespace Cumin.Testing;

public static class FreePort
{
    /// <summary>A TCP port free on loopback right now, for a silo or gateway of a test host.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
