using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// What a grain sees when DynamoDB says no: a version conflict becomes Orleans's <see cref="InconsistentStateException"/>,
/// an item over the size limit a <see cref="DynamoDBItemTooLargeException"/>, any other failure a
/// <see cref="DynamoDBStorageException"/>. Each is logged here, once, with what the grain's exception cannot carry.
/// </summary>
internal sealed partial class DynamoDBStorageErrors(ILogger logger)
{
    private const string ETag = DynamoDBGrainStorageOptions.ETagAttributeName;

    /// <summary>The etag a grain holds, as the number it stands for; <see langword="null"/> for a state never stored.</summary>
    public static long? ParseETag(string? etag, string stateName, GrainId grainId)
    {
        if (etag is null)
        {
            return null;
        }

        return long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} carries etag '{etag}', which is not a DynamoDB storage version (a number).",
                string.Empty,
                etag);
    }

    /// <summary>
    /// The SDK's exceptions have no Orleans codec, so they cannot reach the grain's caller: log the original here and
    /// pass on its error code and message in one that can.
    /// </summary>
    public DynamoDBStorageException Failure(Exception exception, string operation, string stateName, GrainId grainId, string tableName)
    {
        LogOperationFailed(logger, exception, operation, stateName, grainId, tableName);
        var errorCode = exception is AmazonServiceException service ? service.ErrorCode : exception.GetType().Name;
        return new DynamoDBStorageException(
            $"DynamoDB {operation} of state '{stateName}' of grain {grainId} in table '{tableName}' failed: {errorCode}: {exception.Message}",
            errorCode);
    }

    /// <summary>The condition on the etag failed: the table holds another version than the grain (told by the item DynamoDB returns).</summary>
    public InconsistentStateException Conflict(
        ConditionalCheckFailedException exception,
        string operation,
        string stateName,
        GrainId grainId,
        string tableName,
        long? expected)
    {
        var currentETag = expected?.ToString(CultureInfo.InvariantCulture);
        var storedETag = exception.Item is { Count: > 0 } stored
            ? stored.TryGetValue(ETag, out var etag) ? etag.N : "none (an item without etag)"
            : "none (no item)";
        LogConflict(logger, operation, stateName, grainId, tableName, currentETag, storedETag);
        return new InconsistentStateException(
            $"Version conflict on {operation} of state '{stateName}' of grain {grainId} in table '{tableName}': " +
            $"the grain holds etag {currentETag ?? "none (no stored item)"}, the table holds {storedETag}.",
            storedETag,
            currentETag ?? string.Empty);
    }

    public DynamoDBItemTooLargeException TooLarge(string stateName, GrainId grainId, string tableName, long size)
    {
        LogItemTooLarge(logger, stateName, grainId, tableName, size);
        return new DynamoDBItemTooLargeException(grainId, stateName, tableName, size, DynamoDBAttributeJson.MaxItemSize);
    }

    [LoggerMessage(2, LogLevel.Debug, "Version conflict on {Operation} of state {StateName} of grain {GrainId} in table {TableName}: grain etag {CurrentETag}, stored {StoredETag}")]
    private static partial void LogConflict(ILogger logger, string operation, string stateName, GrainId grainId, string tableName, string? currentETag, string storedETag);

    [LoggerMessage(3, LogLevel.Error, "DynamoDB {Operation} of state {StateName} of grain {GrainId} in table {TableName} failed")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string operation, string stateName, GrainId grainId, string tableName);

    [LoggerMessage(4, LogLevel.Error, "State {StateName} of grain {GrainId} would make a {Size}-byte item in table {TableName}, over DynamoDB's 400 KB limit; not written")]
    private static partial void LogItemTooLarge(ILogger logger, string stateName, GrainId grainId, string tableName, long size);
}
