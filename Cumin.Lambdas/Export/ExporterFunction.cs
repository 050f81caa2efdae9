using System.Diagnostics;
using System.Text.Json;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Streams;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Turns a new export job into a CSV file in S3 and a completion message in SQS, from the <c>jobs</c> table's stream.
/// Lambda handler: <c>Cumin.Lambdas::Cumin.Lambdas.Export.ExporterFunction::HandleAsync</c>.
/// </summary>
/// <remarks>
/// Only INSERT records start work (the event-source mapping also filters on them; MODIFY records are the exporter's
/// own updates); each names one job, which <see cref="Exporter"/> exports. When a job cannot be claimed, finished or
/// announced because DynamoDB or SQS fails, the record is reported in <c>batchItemFailures</c>, so the event source
/// retries from it.
/// </remarks>
public sealed class ExporterFunction : IStreamEventFunction
{
    private readonly Exporter _exporter;
    private readonly string _jobsTable;
    private readonly ILogger _logger;

    /// <summary>
    /// For the Lambda runtime: the services <see cref="ExporterServiceCollectionExtensions.AddExporter"/> registers, from
    /// environment variables (<c>Cumin__Tables__Prefix</c>, <c>Cumin__Exports__Bucket</c>, <c>Cumin__Exports__UrlLifetime</c>,
    /// <c>Cumin__Exports__PartSize</c>, <c>Cumin__Notifications__QueueName</c>, <c>Logging__LogLevel__Default</c>; the
    /// SDK's own <c>AWS_*</c>), logs as JSON lines on stdout.
    /// </summary>
    public ExporterFunction()
        : this(FunctionServices.FromEnvironment(static (services, configuration) => services.AddExporter(configuration)))
    {
    }

    public ExporterFunction(Exporter exporter, IOptions<TableOptions> tables, ILogger<ExporterFunction> logger)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(logger);
        _exporter = exporter;
        _jobsTable = tables.Value.NameOf(TableNames.Jobs);
        _logger = logger;
    }

    private ExporterFunction(IServiceProvider services)
        : this(
            services.GetRequiredService<Exporter>(),
            services.GetRequiredService<IOptions<TableOptions>>(),
            services.GetRequiredService<ILogger<ExporterFunction>>())
    {
    }

    /// <summary>The Lambda entry point: the DynamoDB Streams event in, <c>{"batchItemFailures":[…]}</c> out.</summary>
    public Task<Stream> HandleAsync(Stream input) => EntryPoint.InvokeAsync(InvokeAsync, input);

    private static readonly LambdaEntryPoint EntryPoint = new("cumin-exporter");

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        DynamoDbStreamEvent? streamEvent;
        try
        {
            streamEvent = await JsonSerializer.DeserializeAsync(payload, StreamsJsonContext.Default.DynamoDbStreamEvent, cancellationToken);
        }
        catch (JsonException ex)
        {
            // Retrying cannot make this a stream event.
            ExporterLog.NotAStreamEvent(_logger, ex);
            return StreamsEventResponse.AllSucceeded();
        }

        foreach (var record in streamEvent?.Records ?? [])
        {
            if (record.EventName != StreamEventNames.Insert || ReadJob(record) is not { } job)
            {
                continue;
            }

            // The export continues the trace of the request that asked for it (the job item carries its context).
            using var span = CuminTelemetry.StartLinked("export", ActivityKind.Consumer, job.TraceParent);
            span?.SetTag("cumin.export.id", job.ExportId);
            span?.SetTag("cumin.project.id", job.ProjectId);
            try
            {
                await _exporter.ExportAsync(job, record.EventId ?? record.Dynamodb!.SequenceNumber!, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                // The records before this one are done; the event source retries from this one.
                ExporterLog.JobFailedTransiently(_logger, ex, job.ExportId, job.UserId);
                return StreamsEventResponse.FailedFrom(record.Dynamodb!.SequenceNumber!);
            }
        }

        return StreamsEventResponse.AllSucceeded();
    }

    private ExportJob? ReadJob(DynamoDbStreamRecord record)
    {
        var data = record.Dynamodb;
        if (data?.SequenceNumber is null)
        {
            ExporterLog.SkippedRecord(_logger, "?", record.EventId ?? "?", "no dynamodb.SequenceNumber");
            return null;
        }

        if (record.TableName() != _jobsTable)
        {
            ExporterLog.SkippedRecord(_logger, data.SequenceNumber, record.EventId ?? "?", $"eventSourceARN is not the stream of {_jobsTable}");
            return null;
        }

        var image = data.NewImage;
        string? Text(string name) => image is not null && image.TryGetValue(name, out var value) && value.S is { Length: > 0 } s ? s : null;
        if (Text(KeyAttributes.Partition) is not { } userId || Text(KeyAttributes.Sort) is not { } exportId || Text("projectId") is not { } projectId)
        {
            ExporterLog.SkippedRecord(_logger, data.SequenceNumber, record.EventId ?? "?", "NewImage lacks pk, sk or projectId (the jobs stream must be NEW_IMAGE)");
            return null;
        }

        return new ExportJob(userId, exportId, projectId, Text("traceParent"));
    }
}
