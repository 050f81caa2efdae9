using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Exports;
using Cumin.Grains.Common;
using Microsoft.Extensions.Options;
using ExportStatus = Cumin.Exports.ExportStatus;

namespace Cumin.Grains.Exports;

/// <summary>Lists a user's export jobs straight from their partition of the <c>jobs</c> table (pk user id, sk export id).</summary>
public interface IExportCatalog
{
    /// <summary>Newest first: export ids are time-ordered, so the sort key order is creation order.</summary>
    Task<IReadOnlyList<ExportView>> ListAsync(string userId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One consistent Query, backwards, rather than one grain activation per job.</summary>
public sealed class DynamoDBExportCatalog(IAmazonDynamoDB dynamoDb, IOptions<TableOptions> tables) : IExportCatalog
{
    private readonly string _table = tables.Value.Jobs;

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

    private static ExportStatus? Status(string? name) => name switch
    {
        "pending" => ExportStatus.Pending,
        "running" => ExportStatus.Running,
        "done" => ExportStatus.Done,
        "failed" => ExportStatus.Failed,
        _ => null,
    };

    private static string? String(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name) =>
        String(item, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
