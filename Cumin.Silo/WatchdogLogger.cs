using System.Diagnostics;

namespace Cumin.Silo;

/// <summary>
/// The logger of Orleans' silo watchdog, less one false alarm. Orleans 10.4's watchdog starts its platform thread before
/// it sets the clock of its component checks; when that thread runs first, it warns "Participant check thread has not
/// completed for 01:07:06" (the machine's uptime) a second after the silo started. A stall longer than this process
/// has lived cannot be true: that line alone is dropped, and every real stall is still a warning.
/// </summary>
internal sealed class WatchdogLogger<T>(ILoggerFactory factory) : ILogger<T>
{
    /// <summary>Orleans' <c>ErrorCode.SiloHeartbeatTimerStalled</c>, the event of both of the watchdog's stall warnings.</summary>
    private const int StalledEventId = 100150;

    private static readonly DateTime ProcessStarted = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    private readonly ILogger _logger = factory.CreateLogger(typeof(T).FullName!);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _logger.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _logger.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == StalledEventId
            && state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.Any(v => v.Key == "TimeSinceLastTick" && v.Value is TimeSpan stall && stall > DateTime.UtcNow - ProcessStarted))
        {
            return;
        }

        _logger.Log(logLevel, eventId, state, exception, formatter);
    }
}

/// <summary>Registers <see cref="WatchdogLogger{T}"/>.</summary>
internal static class WatchdogLogging
{
    /// <summary>Puts this logger in place of Orleans' watchdog's own; nothing when the watchdog is not where it was in 10.4.</summary>
    public static void Register(IServiceCollection services)
    {
        if (typeof(global::Orleans.Runtime.Silo).Assembly.GetType("Orleans.Runtime.Watchdog") is { } watchdog)
        {
            services.AddSingleton(typeof(ILogger<>).MakeGenericType(watchdog), typeof(WatchdogLogger<>).MakeGenericType(watchdog));
        }
    }
}
