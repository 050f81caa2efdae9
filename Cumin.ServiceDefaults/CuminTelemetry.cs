using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cumin.ServiceDefaults;

/// <summary>
/// Cumin's own activity source and meter, and the names of the ones it listens to. Every process registers them the same
/// way (<see cref="TelemetryHostingExtensions.AddCuminTelemetry"/>, <see cref="FunctionTelemetry"/>).
/// </summary>
public static class CuminTelemetry
{
    /// <summary>The activity source and meter of Cumin's own spans and instruments.</summary>
    public const string Name = "Cumin";

    /// <summary>Orleans 10's activity sources: grain calls (client and server) and the runtime (activation, lifecycle).</summary>
    public static readonly IReadOnlyList<string> OrleansSources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>Orleans 10's meter (messaging, activations, grain calls, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>
    /// Starts a span continuing the W3C trace context <paramref name="traceParent"/> carried by a message or a stored item
    /// (or a root span when there is none), so that work picked up from a stream or a queue joins the trace that asked
    /// for it.
    /// </summary>
    public static Activity? StartLinked(string name, ActivityKind kind, string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);

    /// <summary>The current span's W3C <c>traceparent</c>, to carry on an item or a message; null outside any span.</summary>
    public static string? CurrentTraceParent() => Activity.Current?.Id is { } id && Activity.Current.IdFormat == ActivityIdFormat.W3C ? id : null;
}
