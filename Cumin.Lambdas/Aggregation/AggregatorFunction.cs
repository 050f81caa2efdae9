using System.Numerics;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Streams;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Aggregation;

/// <summary>
/// Keeps each project's task counts by status in PostgreSQL from the <c>tasks</c> table's stream, and drops a
/// project's counts when the <c>projects</c> table's stream says the project was deleted.
/// Lambda handler: <c>Cumin.Lambdas::Cumin.Lambdas.Aggregation.AggregatorFunction::HandleAsync</c>.
/// </summary>
/// <remarks>
/// A batch is applied in one transaction, exactly once per record (see <see cref="ProjectCountsStore"/>).
/// A record that cannot be understood is logged and skipped: failing it would only hold back the rest of its
/// shard, and the task's next record sets its status right anyway. Database failures throw, so the event
/// source retries the batch.
/// </remarks>
public sealed partial class AggregatorFunction : IStreamEventFunction
{
    private readonly ProjectCountsStore _store;
    private readonly CountsNotifier _notifier;
    private readonly string _tasksTable;
    private readonly string _projectsTable;
    private readonly ILogger _logger;

    /// <summary>
    /// For the Lambda runtime: the services <see cref="LambdasServiceCollectionExtensions.AddAggregator"/> registers,
    /// from environment variables (<c>Cumin__Secrets__PostgresConnectionString</c>, the secret holding the connection
    /// string, or <c>ConnectionStrings__Postgres</c> itself; <c>Cumin__Tables__Prefix</c>, <c>Logging__LogLevel__Default</c>),
    /// logs as JSON lines on stdout.
    /// </summary>
    public AggregatorFunction()
        : this(FunctionServices.FromEnvironment(
            static (services, configuration) => services.AddAggregator(configuration),
            // In AWS the connection string is read from Secrets Manager here, at start; it is not in the environment.
            static configuration => configuration.AddLambdaSecrets()))
    {
    }

    public AggregatorFunction(ProjectCountsStore store, CountsNotifier notifier, IOptions<TableOptions> tables, ILogger<AggregatorFunction> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _notifier = notifier;
        _tasksTable = tables.Value.NameOf(TableNames.Tasks);
        _projectsTable = tables.Value.NameOf(TableNames.Projects);
        _logger = logger;
    }

    private AggregatorFunction(IServiceProvider services)
        : this(
            services.GetRequiredService<ProjectCountsStore>(),
            services.GetRequiredService<CountsNotifier>(),
            services.GetRequiredService<IOptions<TableOptions>>(),
            services.GetRequiredService<ILogger<AggregatorFunction>>())
    {
    }

    /// <summary>The Lambda entry point: the DynamoDB Streams event in, <c>{"batchItemFailures":[]}</c> out.</summary>
    public Task<Stream> HandleAsync(Stream input) => EntryPoint.InvokeAsync(InvokeAsync, input);

    private static readonly LambdaEntryPoint EntryPoint = new("cumin-aggregator");

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        if (await StreamRecords.ReadAsync(payload, cancellationToken) is not { } records)
        {
            // Retrying cannot make this a stream event; failing would only repeat it.
            LogNotAStreamEvent(_logger);
            return StreamsEventResponse.AllSucceeded();
        }

        var changes = new List<TaskChange>();
        var removals = new List<ProjectRemoval>();
        var ignored = 0;
        foreach (var record in records)
        {
            switch (Read(record))
            {
                case TaskChange change:
                    changes.Add(change);
                    break;
                case ProjectRemoval removal:
                    removals.Add(removal);
                    break;
                default:
                    ignored++;
                    break;
            }
        }

        var outcome = await _store.ApplyAsync(changes, removals, cancellationToken);
        await _notifier.SendAsync(outcome.Counts, cancellationToken);
        LogBatchApplied(_logger, records.Count, outcome.Applied, outcome.Stale, outcome.OfDeletedProjects,
            outcome.ProjectsRemoved, ignored);
        return StreamsEventResponse.AllSucceeded();
    }

    /// <summary>A <see cref="TaskChange"/>, a <see cref="ProjectRemoval"/>, or null for records that change no counts.</summary>
    private object? Read(StreamRecordRead read)
    {
        if (read.Record is not { } record)
        {
            return Malformed(null, read.Malformed!, read.SequenceNumber);
        }

        if (record.Dynamodb is not { } data)
        {
            return Malformed(record, "no dynamodb member");
        }

        if (!StreamSequenceNumber.TryParse(data.SequenceNumber, out var sequence))
        {
            return Malformed(record, "missing or invalid SequenceNumber");
        }

        var table = record.TableName();
        if (table == _tasksTable)
        {
            return ReadTaskRecord(record, data, sequence);
        }

        if (table == _projectsTable)
        {
            if (record.EventName is StreamEventNames.Insert or StreamEventNames.Modify)
            {
                return null;
            }

            if (record.EventName != StreamEventNames.Remove)
            {
                return Malformed(record, $"unknown eventName '{record.EventName}'");
            }

            return StringKey(data.Keys, KeyAttributes.Partition) is { } projectId
                ? new ProjectRemoval(projectId, sequence)
                : Malformed(record, "missing key pk");
        }

        return Malformed(record, $"eventSourceARN is not the stream of {_tasksTable} or {_projectsTable}");
    }

    private object? ReadTaskRecord(DynamoDbStreamRecord record, StreamRecordData data, BigInteger sequence)
    {
        if (StringKey(data.Keys, KeyAttributes.Partition) is not { } projectId || StringKey(data.Keys, KeyAttributes.Sort) is not { } taskId)
        {
            return Malformed(record, "missing key pk or sk");
        }

        CountWrite(record, data);
        switch (record.EventName)
        {
            case StreamEventNames.Remove:
                return new TaskChange(projectId, taskId, sequence, null);
            case StreamEventNames.Insert or StreamEventNames.Modify:
                if (data.NewImage is null)
                {
                    return Malformed(record, "no NewImage (the tasks stream must be NEW_AND_OLD_IMAGES)");
                }

                var status = data.NewImage.TryGetValue(TaskAttributes.Status, out var value) ? value.S : null;
                return TaskStatusNames.IsKnown(status)
                    ? new TaskChange(projectId, taskId, sequence, status)
                    : Malformed(record, $"NewImage has no known status ('{status}')");
            default:
                return Malformed(record, $"unknown eventName '{record.EventName}'");
        }
    }

    /// <summary>Task writes, moves (a status that changed) and the record's age, for the metrics of Cumin's meter.</summary>
    private static void CountWrite(DynamoDbStreamRecord record, StreamRecordData data)
    {
        var change = record.EventName switch
        {
            StreamEventNames.Insert => "created",
            StreamEventNames.Modify => "updated",
            _ => "deleted",
        };
        CuminMetrics.TasksWritten.Add(1, new KeyValuePair<string, object?>("change", change));
        var before = data.OldImage is not null && data.OldImage.TryGetValue("status", out var old) ? old.S : null;
        var after = data.NewImage is not null && data.NewImage.TryGetValue("status", out var now) ? now.S : null;
        if (before is not null && after is not null && before != after)
        {
            CuminMetrics.TaskMoves.Add(1, new KeyValuePair<string, object?>("from", before), new KeyValuePair<string, object?>("to", after));
        }

        if (data.ApproximateCreationDateTime is { } written)
        {
            CuminMetrics.AggregatorLag.Record(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - written));
        }
    }

    private static string? StringKey(IReadOnlyDictionary<string, StreamAttributeValue>? keys, string name) =>
        keys is not null && keys.TryGetValue(name, out var value) && value.S is { Length: > 0 } text ? text : null;

    private object? Malformed(DynamoDbStreamRecord? record, string reason, string? sequence = null)
    {
        LogSkippedMalformedRecord(_logger, sequence ?? record?.Dynamodb?.SequenceNumber ?? "?", record?.EventId ?? "?", record?.EventSourceArn ?? "?", reason);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Skipped malformed stream record {SequenceNumber} (event {EventId}, {EventSourceArn}): {Reason}")]
    private static partial void LogSkippedMalformedRecord(ILogger logger, string sequenceNumber, string eventId, string eventSourceArn, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The payload is not a DynamoDB Streams event (no Records array); nothing applied")]
    private static partial void LogNotAStreamEvent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Applied a batch of {Records} records: {Applied} applied, {Stale} already applied, {OfDeletedProjects} of deleted projects, {ProjectsRemoved} projects removed, {Ignored} ignored")]
    private static partial void LogBatchApplied(ILogger logger, int records, int applied, int stale, int ofDeletedProjects, int projectsRemoved, int ignored);
}
