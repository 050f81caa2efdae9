using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cumin.Api.Operations;

/// <summary>
/// The first step of a SIGTERM, before Kestrel stops listening: the instance goes on serving, but closes each connection
/// after its answer (<c>Connection: close</c>), until no connection is left open or <see cref="DrainTimeoutKey"/> has
/// passed. A proxy that pools connections (NGINX's upstream keepalive) thus lets go of every connection to this instance
/// while each one is either answering or closed by the proxy's own idle timeout; once Kestrel stops, a request finds the
/// port closed before anything was sent, which NGINX passes to another instance even for a POST. Without it, a POST
/// written onto a pooled connection just as Kestrel closes it fails, and NGINX rightly does not send it again.
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

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
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
