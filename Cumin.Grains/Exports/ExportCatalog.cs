using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Exports;
using Microsoft.Extensions.Options;
using ExportStatus = Cumin.Exports.ExportStatus;

namespace Cumin.Grains.Exports;

/// <summary>Lists a user's export jobs straight from their partition of the <c>jobs</c> table (pk user id, sk export id).</summary>
public interface IExportCatalog
{
    /// <summary>Newest first: export ids are time-ordered, so the sort key order is creation order.</summary>
    Task<IReadOnlyList<ExportView>> ListAsync(string userId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The job as stored now (null when there is none); one still pending or running that was created before
    /// <paramref name="staleBefore"/> is ended as failed first, conditionally on nobody having moved it since it was read.
    /// </summary>
    Task<ExportView?> ExpireIfStaleAsync(string userId, string exportId, DateTimeOffset staleBefore, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>One consistent Query, backwards, rather than one grain activation per job.</summary>
public sealed class DynamoDBExportCatalog(IAmazonDynamoDB dynamoDb, IOptions<TableOptions> tables) : IExportCatalog
{
    private readonly string _table = tables.Value.NameOf(TableNames.Jobs);

    public async Task<IReadOnlyList<ExportView>> ListAsync(string userId, int limit, CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            ConsistentRead = true,
            ScanIndexForward = false,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = userId } },
            Limit = limit,
        };
        var exports = new List<ExportView>();
        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (exports.Count < limit && ExportAttributes.TryRead(item, out var export))
                {
                    exports.Add(export);
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (exports.Count < limit && request.ExclusiveStartKey is not null);

        return exports;
    }

    public async Task<ExportView?> ExpireIfStaleAsync(
        string userId, string exportId, DateTimeOffset staleBefore, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = userId }, ["sk"] = new() { S = exportId } };
        var item = (await dynamoDb.GetItemAsync(new GetItemRequest { TableName = _table, Key = key, ConsistentRead = true }, cancellationToken)).Item;
        if (item is not { Count: > 0 } || !ExportAttributes.TryRead(item, out var export))
        {
            return null;
        }

        if (export.Status is not (ExportStatus.Pending or ExportStatus.Running) || export.CreatedAt >= staleBefore || !item.TryGetValue("etag", out var etag))
        {
            return export;
        }

        // The exporter's own protocol: every change is conditional and bumps etag, so a run that ends it meanwhile wins
        // and this write fails; a run that comes later finds it ended and only repeats its message.
        var error = "The export did not finish in time; ask for it again.";
        try
        {
            await dynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = key,
                    UpdateExpression = "SET #status = :failed, #completedAt = :now, #error = :error ADD #etag :one",
                    ConditionExpression = "#etag = :etag",
                    ExpressionAttributeNames = new() { ["#status"] = "status", ["#completedAt"] = "completedAt", ["#error"] = "error", ["#etag"] = "etag" },
                    ExpressionAttributeValues = new()
                    {
                        [":failed"] = new() { S = "failed" },
                        [":now"] = new() { S = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) },
                        [":error"] = new() { S = error },
                        [":one"] = new() { N = "1" },
                        [":etag"] = new() { N = etag.N },
                    },
                },
                cancellationToken);
            return export with { Status = ExportStatus.Failed, CompletedAt = now, Error = error };
        }
        catch (ConditionalCheckFailedException)
        {
            return await ExpireIfStaleAsync(userId, exportId, staleBefore, now, cancellationToken);
        }
    }
}

/// <summary>Reads a job item (the shape the grain storage and the exporter write) without going through a grain.</summary>
internal static class ExportAttributes
{
    public static bool TryRead(Dictionary<string, AttributeValue> item, out ExportView export)
    {
        export = null!;
        if (String(item, "id") is not { } id || String(item, "projectId") is not { } projectId
            || Status(String(item, "status")) is not { } status || Time(item, "createdAt") is not { } createdAt)
        {
            return false;
        }

        export = new ExportView(
            id,
            projectId,
            status,
            createdAt,
            Time(item, "completedAt"),
            item.TryGetValue("taskCount", out var count) && count.N is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null,
            String(item, "url"),
            Time(item, "urlExpiresAt"),
            String(item, "error"));
        return true;
    }

    private static ExportStatus? Status(string? name) => WireNames.TryParse<ExportStatus>(name, out var status) ? status : null;

    private static string? String(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name) =>
        String(item, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
