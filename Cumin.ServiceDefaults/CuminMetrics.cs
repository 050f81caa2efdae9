using System.Diagnostics.Metrics;

namespace Cumin.ServiceDefaults;

/// <summary>
/// Cumin's own instruments, on the <see cref="CuminTelemetry.Name"/> meter. Counted where the fact is settled: task writes
/// and moves by the aggregator from the stream (once per stored change), exports by the exporter, hub connections by the
/// API, webhook deliveries by their deliverer.
/// </summary>
public static class CuminMetrics
{
    /// <summary>Task changes stored (one per stream record of the tasks table), by <c>change</c>: created, updated, deleted.</summary>
    public static readonly Counter<long> TasksWritten =
        CuminTelemetry.Meter.CreateCounter<long>("cumin.tasks.written", "{change}", "Task changes stored, counted once per stream record");

    /// <summary>Task status changes (a task moved to another column), by <c>from</c> and <c>to</c> status.</summary>
    public static readonly Counter<long> TaskMoves =
        CuminTelemetry.Meter.CreateCounter<long>("cumin.tasks.moves", "{move}", "Task status changes");

    /// <summary>Exports ended, by <c>outcome</c>: completed or failed.</summary>
    public static readonly Counter<long> Exports =
        CuminTelemetry.Meter.CreateCounter<long>("cumin.exports", "{export}", "Exports ended, by outcome");

    /// <summary>How long an export took in the exporter, by <c>outcome</c>.</summary>
    public static readonly Histogram<double> ExportDuration =
        CuminTelemetry.Meter.CreateHistogram<double>("cumin.export.duration", "s", "Time from the exporter taking a job to its end");

    /// <summary>From a change being written to DynamoDB to the aggregator counting it (the stream record's age when applied).</summary>
    public static readonly Histogram<double> AggregatorLag =
        CuminTelemetry.Meter.CreateHistogram<double>("cumin.aggregator.lag", "s", "Age of a stream record when the aggregator applied it");

    /// <summary>Webhook deliveries attempted, by <c>outcome</c>: delivered, failed (will retry), abandoned.</summary>
    public static readonly Counter<long> WebhookDeliveries =
        CuminTelemetry.Meter.CreateCounter<long>("cumin.webhook.deliveries", "{delivery}", "Webhook deliveries attempted, by outcome");

    /// <summary>SignalR hub connections open on this API instance.</summary>
    public static readonly UpDownCounter<long> HubConnections =
        CuminTelemetry.Meter.CreateUpDownCounter<long>("cumin.hub.connections", "{connection}", "SignalR hub connections open on this instance");
}
