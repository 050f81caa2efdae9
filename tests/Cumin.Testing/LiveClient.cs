using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cumin.Testing;

/// <summary>
/// A SignalR connection to an API's /hubs/notifications watching projects, as a browser's board does (WebSockets, token
/// in the query string), keeping every <c>projectEvent</c> in the order it arrived.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly List<JsonElement> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);

    private LiveClient(HubConnection connection, Action<JsonElement>? onEvent)
    {
        _connection = connection;
        _connection.On<JsonElement>("projectEvent", projectEvent =>
        {
            var kept = projectEvent.Clone();
            onEvent?.Invoke(kept);
            lock (_received)
            {
                _received.Add(kept);
            }

            _arrived.Release();
        });
    }

    public HubConnectionState State => _connection.State;

    /// <summary>Every event received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <param name="onEvent">Called on SignalR's thread as each event arrives (a benchmark's clock).</param>
    public static async Task<LiveClient> ConnectAsync(Uri api, string accessToken, Action<JsonElement>? onEvent = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api, "/hubs/notifications"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();
        var client = new LiveClient(connection, onEvent);
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

    public Task WatchAsync(string projectId) => _connection.InvokeAsync("WatchProject", projectId);

    public Task UnwatchAsync(string projectId) => _connection.InvokeAsync("UnwatchProject", projectId);

    /// <summary>The events received so far of one type (and project, when given).</summary>
    public IReadOnlyList<JsonElement> OfType(string type, string? projectId = null) =>
        [.. Received.Where(e => e.GetProperty("type").GetString() == type && (projectId is null || e.GetProperty("projectId").GetString() == projectId))];

    /// <summary>Waits until <paramref name="condition"/> holds for the events received; false if it did not within the limit.</summary>
    public async Task<bool> WaitUntilAsync(Func<IReadOnlyList<JsonElement>, bool> condition, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (condition(Received))
            {
                return true;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The first event of <paramref name="type"/> whose data matches; null when none came within the limit.</summary>
    public async Task<JsonElement?> WaitForAsync(string type, Func<JsonElement, bool>? data = null, TimeSpan? limit = null)
    {
        JsonElement? found = null;
        await WaitUntilAsync(events =>
        {
            found = events.Where(e => e.GetProperty("type").GetString() == type && (data is null || data(e.GetProperty("data"))))
                .Select(e => (JsonElement?)e).FirstOrDefault();
            return found is not null;
        }, limit);
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _arrived.Dispose();
    }
}
