using System.Diagnostics;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Cumin.Lambdas.Streams;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Turns a new export job into a CSV file in S3 and a completion message in SQS, from the <c>jobs</c> table's stream.
/// Lambda handler: <c>Cumin.Lambdas::Cumin.Lambdas.Export.ExporterFunction::HandleAsync</c>.
/// </summary>
/// <remarks>
/// Only INSERT records start work (the event-source mapping also filters on them; MODIFY records are the exporter's
/// own updates). Per job: claim it (pending → running, conditionally), check the project still exists, stream the
/// tasks as CSV into a multipart upload, presign a GET URL, mark the job done (or failed, with the reason), then send
/// the message. A redelivered INSERT finds the job ended and only sends the message again, which the user grain
/// de-duplicates by export id; so a message lost between "done" and "sent" is not lost for good. When a job cannot be
/// claimed, finished or announced because DynamoDB or SQS fails, the record is reported in <c>batchItemFailures</c>,
/// so the event source retries from it.
/// </remarks>
public sealed partial class ExporterFunction : IStreamEventFunction
{
    private readonly IAmazonDynamoDB _dynamoDb;
    private readonly IAmazonS3 _s3;
    private readonly IAmazonSQS _sqs;
    private readonly ExporterOptions _options;
    private readonly ExportJobTable _jobs;
    private readonly TaskCsvWriter _csv;
    private readonly string _projectsTable;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _createMissing;
    private readonly Protocol _urlProtocol;
    private string? _queueUrl;
    private bool _bucketReady;

    /// <summary>
    /// For the Lambda runtime: configuration from environment variables (<c>Cumin__Tables__Prefix</c>,
    /// <c>Cumin__Exports__Bucket</c>, <c>Cumin__Exports__UrlLifetime</c>, <c>Cumin__Exports__PartSize</c>,
    /// <c>Cumin__Notifications__QueueName</c>, <c>Logging__LogLevel__Default</c>; the SDK's own <c>AWS_*</c>),
    /// logs as JSON lines on stdout.
    /// </summary>
    public ExporterFunction()
        : this(FromEnvironment())
    {
    }

    public ExporterFunction(
        IAmazonDynamoDB dynamoDb,
        IAmazonS3 s3,
        IAmazonSQS sqs,
        IOptions<ExporterOptions> options,
        IOptions<TableOptions> tables,
        TimeProvider timeProvider,
        ILogger<ExporterFunction> logger)
        : this((dynamoDb, s3, sqs, options?.Value!, tables?.Value!, timeProvider, logger))
    {
    }

    private ExporterFunction(
        (IAmazonDynamoDB DynamoDb, IAmazonS3 S3, IAmazonSQS Sqs, ExporterOptions Options, TableOptions Tables, TimeProvider TimeProvider, ILogger Logger) d)
    {
        ArgumentNullException.ThrowIfNull(d.DynamoDb);
        ArgumentNullException.ThrowIfNull(d.S3);
        ArgumentNullException.ThrowIfNull(d.Sqs);
        ArgumentNullException.ThrowIfNull(d.Options);
        ArgumentNullException.ThrowIfNull(d.Tables);
        ArgumentNullException.ThrowIfNull(d.TimeProvider);
        ArgumentNullException.ThrowIfNull(d.Logger);
        var validation = new ExporterOptionsValidator().Validate(null, d.Options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(ExporterOptions), typeof(ExporterOptions), validation.Failures);
        }

        _dynamoDb = d.DynamoDb;
        _s3 = d.S3;
        _sqs = d.Sqs;
        _options = d.Options;
        _jobs = new ExportJobTable(d.DynamoDb, d.Tables.NameOf(TableNames.Jobs));
        _csv = new TaskCsvWriter(d.DynamoDb, d.Tables.NameOf(TableNames.Tasks));
        _projectsTable = d.Tables.NameOf(TableNames.Projects);
        _timeProvider = d.TimeProvider;
        _logger = d.Logger;
        // A presigned URL has the scheme of the endpoint it signs for: plain HTTP for a local S3 stand-in.
        var serviceUrl = d.S3.Config.ServiceURL;
        _urlProtocol = serviceUrl is not null && serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        _createMissing = d.Options.CreateMissing ?? serviceUrl is not null;
    }

    /// <summary>The Lambda entry point: the DynamoDB Streams event in, <c>{"batchItemFailures":[…]}</c> out.</summary>
    public async Task<Stream> HandleAsync(Stream input)
    {
        try
        {
            return await InvokeAsync(input, CancellationToken.None);
        }
        finally
        {
            LambdaTelemetry.Value.Flush();
        }
    }

    /// <summary>The function's telemetry in AWS (in the local runner, the runner's host has its own).</summary>
    private static readonly Lazy<FunctionTelemetry> LambdaTelemetry = new(() => FunctionTelemetry.Start("cumin-exporter"));

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
            LogNotAStreamEvent(_logger, ex);
            return StreamsEventResponse.AllSucceeded();
        }

        foreach (var record in streamEvent?.Records ?? [])
        {
            if (record.EventName != StreamEventNames.Insert)
            {
                continue;
            }

            if (ReadJob(record) is not { } job)
            {
                continue;
            }

            // The export continues the trace of the request that asked for it (the job item carries its context).
            using var span = CuminTelemetry.StartLinked("export", ActivityKind.Consumer, job.TraceParent);
            span?.SetTag("cumin.export.id", job.ExportId);
            span?.SetTag("cumin.project.id", job.ProjectId);
            try
            {
                await ExportAsync(job, record.EventId ?? record.Dynamodb!.SequenceNumber!, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                // The records before this one are done; the event source retries from this one.
                LogJobFailedTransiently(_logger, ex, job.ExportId, job.UserId);
                return StreamsEventResponse.FailedFrom(record.Dynamodb!.SequenceNumber!);
            }
        }

        return StreamsEventResponse.AllSucceeded();
    }

    private async Task ExportAsync(ExportJob job, string attempt, CancellationToken cancellationToken)
    {
        var (claim, item) = await _jobs.TryClaimAsync(job, attempt, _timeProvider.GetUtcNow(), cancellationToken);
        switch (claim)
        {
            case JobClaim.Missing:
                LogJobMissing(_logger, job.ExportId, job.UserId);
                return;
            case JobClaim.Busy:
                LogJobBusy(_logger, job.ExportId, job.UserId);
                return;
            case JobClaim.Finished:
                // A redelivered INSERT: the export exists; make sure its owner hears of it (they de-duplicate).
                if (ExportJobTable.MessageOf(job, item!) is { } again)
                {
                    await SendAsync(again, cancellationToken);
                }

                LogJobAlreadyFinished(_logger, job.ExportId, job.UserId);
                return;
        }

        var started = _timeProvider.GetTimestamp();
        var outcome = await RunAsync(job, cancellationToken);
        if (!await _jobs.TryFinishAsync(job, attempt, outcome, _timeProvider.GetUtcNow(), cancellationToken))
        {
            // Another attempt ended it meanwhile: announce what is stored, not what this attempt made.
            LogJobTakenOver(_logger, job.ExportId, job.UserId);
            if (await _jobs.GetAsync(job, cancellationToken) is { } current && ExportJobTable.MessageOf(job, current) is { } stored)
            {
                await SendAsync(stored, cancellationToken);
            }

            return;
        }

        await SendAsync(
            new ExportNotificationMessage(
                outcome.Succeeded ? ExportNotificationMessage.Completed : ExportNotificationMessage.Failed,
                job.UserId, job.ExportId, job.ProjectId, outcome.Url, outcome.UrlExpiresAt, outcome.TaskCount, outcome.Error),
            cancellationToken);
        var elapsed = _timeProvider.GetElapsedTime(started);
        var ended = new KeyValuePair<string, object?>("outcome", outcome.Succeeded ? "completed" : "failed");
        CuminMetrics.Exports.Add(1, ended);
        CuminMetrics.ExportDuration.Record(elapsed.TotalSeconds, ended);
        if (outcome.Succeeded)
        {
            LogJobDone(_logger, job.ExportId, job.ProjectId, outcome.TaskCount ?? 0, elapsed.TotalMilliseconds);
        }
        else
        {
            LogJobEndedFailed(_logger, job.ExportId, job.ProjectId, outcome.Error!);
        }
    }

    /// <summary>The export proper. Whatever goes wrong here ends the job as failed, with a reason its owner can read.</summary>
    private async Task<ExportOutcome> RunAsync(ExportJob job, CancellationToken cancellationToken)
    {
        try
        {
            // Checked when the export runs, not only when it was asked for: a member removed meanwhile gets no tasks
            // added after the removal.
            switch (await RequesterAccessAsync(job, cancellationToken))
            {
                case ProjectAccess.NoProject:
                    return new ExportOutcome(null, null, null, "The project does not exist (it may have been deleted).");
                case ProjectAccess.NotMember:
                    LogRequesterNotMember(_logger, job.ExportId, job.ProjectId, job.UserId);
                    return new ExportOutcome(null, null, null, "You are no longer a member of this project.");
            }

            await EnsureBucketAsync(cancellationToken);
            var key = $"exports/{job.UserId}/{job.ExportId}.csv";
            int count;
            await using (var upload = await S3MultipartUploadStream.StartAsync(
                             _s3, _options.Bucket, key, _options.PartSize, "text/csv; charset=utf-8",
                             $"attachment; filename=\"export-{job.ExportId}.csv\"", cancellationToken))
            {
                count = await _csv.WriteAsync(job.ProjectId, upload, cancellationToken);
                await upload.CompleteAsync(cancellationToken);
            }

            // SigV4 signs at whole seconds: start from a whole second so X-Amz-Expires is the configured lifetime.
            var now = _timeProvider.GetUtcNow();
            var expires = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)) + _options.UrlLifetime;
            var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                Verb = HttpVerb.GET,
                Expires = expires.UtcDateTime,
                Protocol = _urlProtocol,
            });
            return new ExportOutcome(count, url, expires, null);
        }
        catch (Exception ex) when (ex is AmazonS3Exception or AmazonDynamoDBException or Amazon.Runtime.AmazonClientException or IOException)
        {
            LogExportError(_logger, ex, job.ExportId, job.ProjectId);
            return new ExportOutcome(null, null, null, ex switch
            {
                AmazonS3Exception s3 => $"Storing the file failed ({s3.ErrorCode ?? s3.StatusCode.ToString()}).",
                AmazonDynamoDBException dynamo => $"Reading the tasks failed ({dynamo.ErrorCode}).",
                _ => "The export could not be written.",
            });
        }
    }

    private enum ProjectAccess
    {
        Member,
        NotMember,
        NoProject,
    }

    /// <summary>Whether the project exists and lists the job's owner among its members (the project grain's item).</summary>
    private async Task<ProjectAccess> RequesterAccessAsync(ExportJob job, CancellationToken cancellationToken)
    {
        var response = await _dynamoDb.GetItemAsync(
            new GetItemRequest
            {
                TableName = _projectsTable,
                Key = new() { [KeyAttributes.Partition] = new AttributeValue { S = job.ProjectId } },
                ConsistentRead = true,
                ProjectionExpression = "#id, #members",
                ExpressionAttributeNames = new() { ["#id"] = "id", ["#members"] = "members" },
            },
            cancellationToken);
        // A cleared project (if the table kept cleared items) would hold its keys only: no id.
        if (response.Item is not { Count: > 0 } item || !item.ContainsKey("id"))
        {
            return ProjectAccess.NoProject;
        }

        var members = item.TryGetValue("members", out var list) ? list.L ?? [] : [];
        return members.Any(m => m.M is { } member && member.TryGetValue("userId", out var id) && id.S == job.UserId)
            ? ProjectAccess.Member
            : ProjectAccess.NotMember;
    }

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady || !_createMissing)
        {
            return;
        }

        try
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }

        _bucketReady = true;
    }

    private async Task SendAsync(ExportNotificationMessage message, CancellationToken cancellationToken)
    {
        _queueUrl ??= await QueueUrlAsync(cancellationToken);
        await _sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = _queueUrl,
                // The message carries the export's trace on to the silo that tells the owner.
                MessageBody = JsonSerializer.Serialize(
                    message with { TraceParent = CuminTelemetry.CurrentTraceParent() }, ExportJsonContext.Default.ExportNotificationMessage),
            },
            cancellationToken);
    }

    private async Task<string> QueueUrlAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = _options.QueueName }, cancellationToken)).QueueUrl;
        }
        catch (QueueDoesNotExistException) when (_createMissing)
        {
            // Locally the exporter may run before the silo that creates the queue.
            return (await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = _options.QueueName }, cancellationToken)).QueueUrl;
        }
    }

    private ExportJob? ReadJob(DynamoDbStreamRecord record)
    {
        var data = record.Dynamodb;
        if (data?.SequenceNumber is null)
        {
            LogSkippedRecord(_logger, "?", record.EventId ?? "?", "no dynamodb.SequenceNumber");
            return null;
        }

        if (record.TableName() != _jobs.TableName)
        {
            LogSkippedRecord(_logger, data.SequenceNumber, record.EventId ?? "?", $"eventSourceARN is not the stream of {_jobs.TableName}");
            return null;
        }

        var image = data.NewImage;
        string? Text(string name) => image is not null && image.TryGetValue(name, out var value) && value.S is { Length: > 0 } s ? s : null;
        if (Text(KeyAttributes.Partition) is not { } userId || Text(KeyAttributes.Sort) is not { } exportId || Text("projectId") is not { } projectId)
        {
            LogSkippedRecord(_logger, data.SequenceNumber, record.EventId ?? "?", "NewImage lacks pk, sk or projectId (the jobs stream must be NEW_IMAGE)");
            return null;
        }

        return new ExportJob(userId, exportId, projectId, Text("traceParent"));
    }

    private static (IAmazonDynamoDB, IAmazonS3, IAmazonSQS, ExporterOptions, TableOptions, TimeProvider, ILogger) FromEnvironment()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = ExporterClients.BindOptions(configuration);
        var tables = configuration.GetSection(TableOptions.Section).Get<TableOptions>() ?? new TableOptions();
        var loggerFactory = LoggerFactory.Create(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddJsonConsole());
        return (new AmazonDynamoDBClient(), ExporterClients.S3(), new AmazonSQSClient(), options, tables, TimeProvider.System,
            loggerFactory.CreateLogger<ExporterFunction>());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The payload is not a DynamoDB Streams event; nothing exported")]
    private static partial void LogNotAStreamEvent(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped stream record {SequenceNumber} (event {EventId}): {Reason}")]
    private static partial void LogSkippedRecord(ILogger logger, string sequenceNumber, string eventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of user {UserId} is gone from the jobs table; nothing to do")]
    private static partial void LogJobMissing(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} of user {UserId} is held by another attempt; left to it")]
    private static partial void LogJobBusy(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} of user {UserId} had ended already (redelivered record); its message was sent again")]
    private static partial void LogJobAlreadyFinished(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of user {UserId} was ended by another attempt while this one ran")]
    private static partial void LogJobTakenOver(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {TaskCount} tasks of project {ProjectId} as export {ExportId} in {ElapsedMs:F0} ms")]
    private static partial void LogJobDone(ILogger logger, string exportId, string projectId, int taskCount, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of project {ProjectId} failed: {Error}")]
    private static partial void LogJobEndedFailed(ILogger logger, string exportId, string projectId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of project {ProjectId} ends as failed: its owner {UserId} is no longer a member")]
    private static partial void LogRequesterNotMember(ILogger logger, string exportId, string projectId, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {ExportId} of project {ProjectId} hit an error; the job ends as failed")]
    private static partial void LogExportError(ILogger logger, Exception exception, string exportId, string projectId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {ExportId} of user {UserId} could not be claimed, finished or announced; the record will be retried")]
    private static partial void LogJobFailedTransiently(ILogger logger, Exception exception, string exportId, string userId);
}
