using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Streams;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Activity;

/// <summary>
/// Writes each project's activity to PostgreSQL from the streams of the tasks, comments, labels and projects tables:
/// who changed what, read from each record's old and new images (<see cref="ActivityReader"/>).
/// Lambda handler: <c>Cumin.Lambdas::Cumin.Lambdas.Activity.ActivityFunction::HandleAsync</c>.
/// </summary>
/// <remarks>
/// A batch is written in one transaction, each record's entries exactly once (see <see cref="ActivityStore"/>). A
/// record that cannot be understood is logged and skipped, as the aggregator does: failing it would hold back its
/// shard for a record no retry can read. Database failures throw, so the event source retries the batch.
/// </remarks>
public sealed partial class ActivityFunction : IStreamEventFunction
{
    private readonly ActivityStore _store;
    private readonly ActivityReader _reader;
    private readonly ILogger _logger;

    /// <summary>
    /// For the Lambda runtime: the services <see cref="LambdasServiceCollectionExtensions.AddActivity"/> registers, from
    /// environment variables as the aggregator's (<c>Cumin__Secrets__PostgresConnectionString</c> or
    /// <c>ConnectionStrings__Postgres</c>, <c>Cumin__Tables__Prefix</c>, <c>Cumin__Activity__MaxEntriesPerProject</c>).
    /// </summary>
    public ActivityFunction()
        : this(FunctionServices.FromEnvironment(
            static (services, configuration) => services.AddActivity(configuration),
            static configuration => configuration.AddLambdaSecrets()))
    {
    }

    public ActivityFunction(ActivityStore store, IOptions<TableOptions> tables, ILogger<ActivityFunction> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _reader = new ActivityReader(tables.Value);
        _logger = logger;
    }

    private ActivityFunction(IServiceProvider services)
        : this(
            services.GetRequiredService<ActivityStore>(),
            services.GetRequiredService<IOptions<TableOptions>>(),
            services.GetRequiredService<ILogger<ActivityFunction>>())
    {
    }

    /// <summary>The Lambda entry point: the DynamoDB Streams event in, <c>{"batchItemFailures":[]}</c> out.</summary>
    public Task<Stream> HandleAsync(Stream input) => EntryPoint.InvokeAsync(InvokeAsync, input);

    private static readonly LambdaEntryPoint EntryPoint = new("cumin-activity");

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        if (await StreamRecords.ReadAsync(payload, cancellationToken) is not { } records)
        {
            LogNotAStreamEvent(_logger);
            return StreamsEventResponse.AllSucceeded();
        }

        var entries = new List<ActivityEntry>();
        var removals = new List<ActivityProjectRemoval>();
        var skipped = 0;
        foreach (var record in records)
        {
            var read = Read(record);
            entries.AddRange(read.Entries);
            if (read.Removal is { } removal)
            {
                removals.Add(removal);
            }

            skipped += read.Malformed is null ? 0 : 1;
        }

        var outcome = await _store.ApplyAsync(entries, removals, cancellationToken);
        LogBatchWritten(_logger, records.Count, outcome.Written, outcome.AlreadyWritten, outcome.OfDeletedProjects, outcome.ProjectsRemoved, skipped);
        return StreamsEventResponse.AllSucceeded();
    }

    private ActivityRead Read(StreamRecordRead read)
    {
        if (read.Record is not { } record)
        {
            return Skip(read, read.Malformed!);
        }

        var activity = _reader.Read(record);
        return activity.Malformed is { } reason ? Skip(read, reason) : activity;
    }

    private ActivityRead Skip(StreamRecordRead read, string reason)
    {
        LogSkippedMalformedRecord(_logger, read.SequenceNumber ?? "?", read.Record?.EventId ?? "?", read.Record?.EventSourceArn ?? "?", reason);
        return ActivityRead.Bad(reason);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Skipped malformed stream record {SequenceNumber} (event {EventId}, {EventSourceArn}): {Reason}")]
    private static partial void LogSkippedMalformedRecord(ILogger logger, string sequenceNumber, string eventId, string eventSourceArn, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The payload is not a DynamoDB Streams event (no Records array); nothing written")]
    private static partial void LogNotAStreamEvent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Wrote the activity of {Records} records: {Written} entries written, {AlreadyWritten} already written, {OfDeletedProjects} of deleted projects, {ProjectsRemoved} projects removed, {Skipped} records skipped")]
    private static partial void LogBatchWritten(ILogger logger, int records, int written, int alreadyWritten, int ofDeletedProjects, int projectsRemoved, int skipped);
}
