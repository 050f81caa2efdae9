using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Export;

internal static partial class ExporterLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The payload is not a DynamoDB Streams event; nothing exported")]
    public static partial void NotAStreamEvent(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped stream record {SequenceNumber} (event {EventId}): {Reason}")]
    public static partial void SkippedRecord(ILogger logger, string sequenceNumber, string eventId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {ExportId} of user {UserId} could not be claimed, finished or announced; the record will be retried")]
    public static partial void JobFailedTransiently(ILogger logger, Exception exception, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of user {UserId} is gone from the jobs table; nothing to do")]
    public static partial void JobMissing(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} of user {UserId} is held by another attempt; left to it")]
    public static partial void JobBusy(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} of user {UserId} had ended already (redelivered record); its message was sent again")]
    public static partial void JobAlreadyFinished(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of user {UserId} was ended by another attempt while this one ran")]
    public static partial void JobTakenOver(ILogger logger, string exportId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {TaskCount} tasks of project {ProjectId} as export {ExportId} in {ElapsedMs:F0} ms")]
    public static partial void JobDone(ILogger logger, string exportId, string projectId, int taskCount, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of project {ProjectId} failed: {Error}")]
    public static partial void JobEndedFailed(ILogger logger, string exportId, string projectId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} of project {ProjectId} ends as failed: its owner {UserId} is no longer a member")]
    public static partial void RequesterNotMember(ILogger logger, string exportId, string projectId, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {ExportId} of project {ProjectId} hit an error; the job ends as failed")]
    public static partial void ExportError(ILogger logger, Exception exception, string exportId, string projectId);
}
