using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>A SignalR connection to one API instance's /hubs/notifications, as a browser makes it (token in the query string).</summary>
public sealed class NotificationConnection : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private NotificationConnection(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("notification", notification =>
        {
            _received.Enqueue(notification.Clone());
            _arrived.Release();
        });
    }

    public static async Task<NotificationConnection> ConnectAsync(Uri api, string accessToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api, "/hubs/notifications"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .Build();
        var client = new NotificationConnection(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>The first notification about <paramref name="exportId"/>, or null after <paramref name="limit"/>.</summary>
    public async Task<JsonElement?> WaitForAsync(string exportId, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var match = _received.FirstOrDefault(n => n.GetProperty("data").GetProperty("exportId").GetString() == exportId);
            if (match.ValueKind != JsonValueKind.Undefined)
            {
                return match;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _arrived.Dispose();
    }
}
