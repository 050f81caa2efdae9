using System.Net;
using System.Net.Sockets;
using Cumin.Api.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Cumin.Api.Tests;

/// <summary>
/// SIGTERM behind a proxy that pools connections: the stopping instance refuses new connections at once (so a proxy sends
/// their requests elsewhere, even a POST), answers on a connection it already has, closing it after the answer, and stops
/// once no connection is left (a real Kestrel on a real socket).
/// </summary>
public sealed class ShutdownDrainTests
{
    [Fact]
    public async Task A_stopping_instance_refuses_new_connections_answers_on_an_open_one_with_connection_close_and_stops_once_it_is_closed()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Far longer than the test may take: the drain must end because the connection closed, not by its timeout.
        builder.Configuration[ShutdownDrain.DrainTimeoutKey] = "00:01:00";
        builder.AddCuminShutdownDrain();
        await using var app = builder.Build();
        app.UseCuminShutdownDrain();
        app.MapGet("/", () => "ok");
        await app.StartAsync();
        // Kestrel's real address once it listens (port 0 asked for any free one).
        var url = new Uri(app.Urls.Single());

        // One pooled connection, as NGINX keeps one.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = url };
        using (var before = await http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.NotEqual(true, before.Headers.ConnectionClose);
        }

        var stopping = app.StopAsync();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted, "the instance stopped while a connection was still open");

        // Refused before anything was sent: NGINX passes such a request, even a POST, to another instance.
        using (var fresh = new HttpClient { BaseAddress = url })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => fresh.PostAsync("/", null));
            Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        }

        using (var during = await http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, during.StatusCode);
            Assert.True(during.Headers.ConnectionClose, "a draining instance's answer must close its connection");
        }

        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/"));
    }
}
