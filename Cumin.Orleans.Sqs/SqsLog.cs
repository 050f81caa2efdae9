using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Every log line of the provider, in one place so their levels can be judged together: Warning only for what an
/// operator should look at (SQS away, a message set aside or delivered again), Information for what changes once
/// (a queue created, a partition read or released), Debug for the routine. Event names are the method names.
/// </summary>
internal static partial class SqsLog
{
    [LoggerMessage(1, LogLevel.Information, "Reading SQS queue {QueueName} for partition {QueueId}")]
    public static partial void LogStarted(this ILogger logger, string queueName, QueueId queueId);

    [LoggerMessage(2, LogLevel.Information, "Stopped reading SQS queue {QueueName} for partition {QueueId}; returned {Returned} unread message(s) to SQS, left {Left} to their visibility timeout")]
    public static partial void LogStopped(this ILogger logger, string queueName, QueueId queueId, int returned, int left);

    [LoggerMessage(3, LogLevel.Warning, "Receiving from SQS queue {QueueName} failed; retrying every {Backoff} at most until it answers")]
    public static partial void LogReceiveFailed(this ILogger logger, string queueName, TimeSpan backoff, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Receiving from SQS queue {QueueName} still fails; next try in {Backoff}")]
    public static partial void LogReceiveStillFailing(this ILogger logger, string queueName, TimeSpan backoff, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Receiving from SQS queue {QueueName} works again after {Outage}")]
    public static partial void LogReceiveRecovered(this ILogger logger, string queueName, TimeSpan outage);

    [LoggerMessage(6, LogLevel.Warning, "Unreadable message {MessageId} in SQS queue {QueueName} set aside: {Body}")]
    public static partial void LogUnreadable(this ILogger logger, string messageId, string queueName, string body, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "No mapper recognises message {MessageId} in SQS queue {QueueName}; set aside as unreadable: {Body}")]
    public static partial void LogNoMapper(this ILogger logger, string messageId, string queueName, string body);

    [LoggerMessage(8, LogLevel.Debug, "Deleted {Count} delivered message(s) from SQS queue {QueueName}")]
    public static partial void LogDeleted(this ILogger logger, int count, string queueName);

    [LoggerMessage(9, LogLevel.Warning, "Deleting {Count} delivered message(s) from SQS queue {QueueName} failed; will retry")]
    public static partial void LogDeleteFailed(this ILogger logger, int count, string queueName, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "SQS did not delete entry {EntryId} from queue {QueueName}: {Code} {Reason}; it will be delivered again")]
    public static partial void LogDeleteEntryFailed(this ILogger logger, string entryId, string queueName, string code, string reason);

    [LoggerMessage(11, LogLevel.Information, "Delivery of message {MessageId} on stream {StreamId} failed for good; SQS queue {QueueName} delivers it again in {Delay}")]
    public static partial void LogReturnedForRedelivery(this ILogger logger, string messageId, StreamId streamId, string queueName, TimeSpan delay);

    [LoggerMessage(12, LogLevel.Warning, "Changing the visibility of {Count} message(s) in SQS queue {QueueName} failed; they reappear after their visibility timeout at the latest")]
    public static partial void LogVisibilityChangeFailed(this ILogger logger, int count, string queueName, Exception exception);

    [LoggerMessage(13, LogLevel.Debug, "SQS did not change the visibility of entry {EntryId} in queue {QueueName}: {Code} {Reason}")]
    public static partial void LogVisibilityEntryFailed(this ILogger logger, string entryId, string queueName, string code, string reason);

    [LoggerMessage(14, LogLevel.Information, "Created SQS queue {QueueName} at {QueueUrl}")]
    public static partial void LogQueueCreated(this ILogger logger, string queueName, string queueUrl);

    [LoggerMessage(15, LogLevel.Warning, "SQS stream provider {Provider}: its queues could not be looked up or created at start; receivers and producers retry on use")]
    public static partial void LogQueuesNotReady(this ILogger logger, string provider, Exception exception);
}
