using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Lambdas.Export;

/// <summary>One export job as its INSERT record names it: the item (pk user id, sk export id) of the <c>jobs</c> table.</summary>
/// <param name="TraceParent">The W3C trace context of the request that asked for the export, stored on the job item.</param>
public sealed record ExportJob(string UserId, string ExportId, string ProjectId, string? TraceParent = null);

/// <summary>How an attempt to claim a job ended.</summary>
public enum JobClaim
{
    /// <summary>The job was pending (or this very stream record's earlier attempt died holding it): export it now.</summary>
    Claimed,

    /// <summary>Another attempt holds it: leave it.</summary>
    Busy,

    /// <summary>The job has ended already: only its completion message may need sending again.</summary>
    Finished,

    /// <summary>No such item.</summary>
    Missing,
}

/// <summary>The result that ends a job.</summary>
public sealed record ExportOutcome(int? TaskCount, string? Url, DateTimeOffset? UrlExpiresAt, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// The exporter's writes to the <c>jobs</c> table. The export-job grain writes an item once (pending); after that only
/// these conditional UpdateItems change it, and each also adds 1 to the numeric <c>etag</c> the grain storage uses for
/// optimistic concurrency, so a grain that did write again would fail as a conflict rather than undo the exporter's work.
/// </summary>
public sealed class ExportJobTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    private static readonly Dictionary<string, string> Names = new()
    {
        ["#status"] = "status",
        ["#etag"] = KeyAttributes.ETag,
        ["#attempt"] = "attempt",
    };

    public string TableName { get; } = tableName;

    /// <summary>
    /// pending → running, conditionally. <paramref name="attempt"/> is the INSERT record's <c>eventID</c>, which a redelivery
    /// of the same record repeats: a retry after a crash takes the job over, while a redelivered record for a job that
    /// has ended finds it finished and does not export it again.
    /// </summary>
    public async Task<(JobClaim Claim, Dictionary<string, AttributeValue>? Item)> TryClaimAsync(
        ExportJob job, string attempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = TableName,
            Key = Key(job),
            UpdateExpression = "SET #status = :running, #startedAt = :now, #attempt = :attempt ADD #etag :one",
            ConditionExpression = "#status = :pending OR (#status = :running AND #attempt = :attempt)",
            ExpressionAttributeNames = new(Names) { ["#startedAt"] = "startedAt" },
            ExpressionAttributeValues = new()
            {
                [":running"] = S(ExportStatusNames.Running),
                [":pending"] = S(ExportStatusNames.Pending),
                [":now"] = S(Timestamp(now)),
                [":attempt"] = S(attempt),
                [":one"] = new AttributeValue { N = "1" },
            },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            await dynamoDb.UpdateItemAsync(request, cancellationToken);
            return (JobClaim.Claimed, null);
        }
        catch (ConditionalCheckFailedException refused)
        {
            var item = refused.Item is { Count: > 0 } current ? current : await GetAsync(job, cancellationToken);
            return item is null
                ? (JobClaim.Missing, null)
                : (StatusOf(item) is ExportStatusNames.Done or ExportStatusNames.Failed ? JobClaim.Finished : JobClaim.Busy, item);
        }
    }

    /// <summary>running → done or failed, only while this attempt holds the job. False when it no longer does.</summary>
    public async Task<bool> TryFinishAsync(ExportJob job, string attempt, ExportOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":running"] = S(ExportStatusNames.Running),
            [":attempt"] = S(attempt),
            [":status"] = S(outcome.Succeeded ? ExportStatusNames.Done : ExportStatusNames.Failed),
            [":now"] = S(Timestamp(now)),
            [":one"] = new AttributeValue { N = "1" },
        };
        var set = new List<string> { "#status = :status", "#completedAt = :now" };
        var remove = new List<string>();
        var names = new Dictionary<string, string>(Names) { ["#completedAt"] = "completedAt" };
        Assign("taskCount", outcome.TaskCount is { } count ? new AttributeValue { N = count.ToString(CultureInfo.InvariantCulture) } : null);
        Assign("url", outcome.Url is { } url ? S(url) : null);
        Assign("urlExpiresAt", outcome.UrlExpiresAt is { } expires ? S(Timestamp(expires)) : null);
        Assign("error", outcome.Error is { } error ? S(error) : null);

        var request = new UpdateItemRequest
        {
            TableName = TableName,
            Key = Key(job),
            UpdateExpression = $"SET {string.Join(", ", set)} ADD #etag :one" + (remove.Count > 0 ? $" REMOVE {string.Join(", ", remove)}" : ""),
            ConditionExpression = "#status = :running AND #attempt = :attempt",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
        try
        {
            await dynamoDb.UpdateItemAsync(request, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }

        void Assign(string attribute, AttributeValue? value)
        {
            names["#" + attribute] = attribute;
            if (value is null)
            {
                // A retried attempt must not leave the previous attempt's url next to its error, or the other way round.
                remove.Add("#" + attribute);
            }
            else
            {
                values[":" + attribute] = value;
                set.Add($"#{attribute} = :{attribute}");
            }
        }
    }

    public async Task<Dictionary<string, AttributeValue>?> GetAsync(ExportJob job, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = TableName, Key = Key(job), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>The completion message of a job that has ended, rebuilt from its item.</summary>
    public static ExportNotificationMessage? MessageOf(ExportJob job, Dictionary<string, AttributeValue> item)
    {
        var status = StatusOf(item);
        if (status is not (ExportStatusNames.Done or ExportStatusNames.Failed))
        {
            return null;
        }

        return new ExportNotificationMessage(
            status == ExportStatusNames.Done ? ExportNotificationMessage.Completed : ExportNotificationMessage.Failed,
            job.UserId,
            job.ExportId,
            job.ProjectId,
            Text(item, "url"),
            Text(item, "urlExpiresAt") is { } expires ? DateTimeOffset.Parse(expires, CultureInfo.InvariantCulture) : null,
            item.TryGetValue("taskCount", out var count) && count.N is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null,
            Text(item, "error") ?? (status == ExportStatusNames.Failed ? "the export failed" : null));
    }

    /// <summary>API.md's timestamp form: UTC, milliseconds, <c>Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? StatusOf(Dictionary<string, AttributeValue> item) => Text(item, "status");

    private static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static AttributeValue S(string value) => new() { S = value };

    private static Dictionary<string, AttributeValue> Key(ExportJob job) =>
        new() { [KeyAttributes.Partition] = S(job.UserId), [KeyAttributes.Sort] = S(job.ExportId) };
}
