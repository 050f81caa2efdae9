using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cumin.Api.Operations;

/// <summary>
/// The first step of a SIGTERM, before Kestrel stops: the instance stops accepting connections (its listeners are
/// unbound, <see cref="DrainingListenerFactory"/>), and goes on serving the ones it has, closing each after its answer
/// (<c>Connection: close</c>), until none is left open or <see cref="DrainTimeoutKey"/> has passed. A new connection is
/// thus refused before anything was sent on it, which NGINX passes to another instance even for a POST; a request that
/// reached Kestrel is answered. A proxy that pools connections (NGINX's upstream keepalive) lets go of every pooled one
/// while each is either answering or closed by the proxy's own idle timeout. Without the drain, a POST written onto a
/// pooled connection just as Kestrel closes it fails, and NGINX rightly does not send it again; with a drain that still
/// listened (as at first), a POST on a connection NGINX opened just as the drain ended was lost the same way.
/// </summary>
/// <remarks>
/// On ECS the ALB has deregistered the task (and closed its connections) before SIGTERM, so there is nothing to drain
/// and the wait ends at once; under a test host with no sockets it ends at once too.
/// </remarks>
internal sealed partial class ShutdownDrain(IConfiguration configuration, TimeProvider time, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    /// <summary>How long a stopping instance waits for its connections to close before Kestrel stops (a TimeSpan).</summary>
    public const string DrainTimeoutKey = "Cumin:ShutdownDrain";

    /// <summary>Longer than NGINX's upstream <c>keepalive_timeout</c> (4 s, deploy/nginx/), so idle pooled connections are gone.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(6);

    private readonly List<IConnectionListener> _listeners = [];
    private int _open;
    private volatile bool _draining;

    /// <summary>True from SIGTERM on: every answer closes its connection.</summary>
    public bool Draining => _draining;

    /// <summary>Counts the connections Kestrel holds open, on every endpoint.</summary>
    public void Track(ListenOptions listen) => listen.Use(next => async connection =>
    {
        Interlocked.Increment(ref _open);
        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    });

    /// <summary>A listener Kestrel bound, unbound first thing on SIGTERM.</summary>
    public void Add(IConnectionListener listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        IConnectionListener[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        // Kestrel's accept loops end (an unbound listener accepts nothing more); the connections they accepted go on.
        foreach (var listener in listeners)
        {
            await listener.UnbindAsync(cancellationToken);
        }

        var timeout = configuration.GetValue(DrainTimeoutKey, DefaultDrainTimeout);
        var started = time.GetTimestamp();
        while (Volatile.Read(ref _open) > 0 && time.GetElapsedTime(started) < timeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, CancellationToken.None);
        }

        var drained = time.GetElapsedTime(started);
        LogDrained(logger, drained.TotalSeconds, _open);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: connections drained for {Seconds:F1} s, {Open} still open as Kestrel stops")]
    private static partial void LogDrained(ILogger logger, double seconds, int open);
}

/// <summary>Registration of <see cref="ShutdownDrain"/>: the service, Kestrel's connection count, the closing answers.</summary>
internal static class ShutdownDrainExtensions
{
    public static WebApplicationBuilder AddCuminShutdownDrain(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownDrain>());
        // Registered after Kestrel's own socket transport, so Kestrel binds with this one (it takes the last registered).
        builder.Services.AddSingleton<IConnectionListenerFactory>(services => new DrainingListenerFactory(
            ActivatorUtilities.CreateInstance<SocketTransportFactory>(services), services.GetRequiredService<ShutdownDrain>()));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var drain = kestrel.ApplicationServices.GetRequiredService<ShutdownDrain>();
            kestrel.ConfigureEndpointDefaults(drain.Track);
        });
        return builder;
    }

    /// <summary>First in the pipeline, so every answer of a draining instance carries it, errors included.</summary>
    public static WebApplication UseCuminShutdownDrain(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.Use((context, next) =>
        {
            if (drain.Draining)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
        return app;
    }
}

/// <summary>
/// Kestrel's socket transport, its listeners kept by <see cref="ShutdownDrain"/> so that a drain first stops accepting:
/// from then on a new connection is refused by the kernel before anything is sent on it, which NGINX passes to another
/// instance even for a POST (and marks this one failed), while the connections already open are answered.
/// </summary>
internal sealed class DrainingListenerFactory(IConnectionListenerFactory inner, ShutdownDrain drain) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => inner is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = new UnbindOnce(await inner.BindAsync(endpoint, cancellationToken));
        drain.Add(listener);
        return listener;
    }

    /// <summary>Unbound by the drain, then again by Kestrel as it stops: the second time does nothing.</summary>
    private sealed class UnbindOnce(IConnectionListener inner) : IConnectionListener
    {
        private int _unbound;

        public EndPoint EndPoint => inner.EndPoint;

        public ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default) => inner.AcceptAsync(cancellationToken);

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref _unbound, 1) == 0 ? inner.UnbindAsync(cancellationToken) : ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
