using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cumin.Testing;

/// <summary>
/// A SignalR connection to an API's /hubs/notifications as a browser would make it (WebSockets, token in the query
/// string), collecting every <c>notification</c> it receives.
/// </summary>
public sealed class NotificationClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private NotificationClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("notification", notification =>
        {
            _received.Enqueue(notification.Clone());
            _arrived.Release();
        });
    }

    public IReadOnlyList<JsonElement> Received => [.. _received];

    public static async Task<NotificationClient> ConnectAsync(Uri api, string? accessToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api, "/hubs/notifications"), options =>
                options.AccessTokenProvider = () => Task.FromResult(accessToken))
            .Build();
        var client = new NotificationClient(connection);
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>The first notification about <paramref name="exportId"/>; the limit only bounds a hang.</summary>
    public async Task<JsonElement?> WaitForAsync(string exportId, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
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
