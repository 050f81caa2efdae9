using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Lambdas.Export;

/// <summary>Whether an export's project exists and lists the export's owner among its members.</summary>
public enum ProjectAccess
{
    Member,
    NotMember,
    NoProject,
}

/// <summary>The exporter's one read of the <c>projects</c> table: the project grain's item, its id and members only.</summary>
public sealed class ProjectTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    public async Task<ProjectAccess> AccessOfAsync(string projectId, string userId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest
            {
                TableName = tableName,
                Key = new() { [KeyAttributes.Partition] = new AttributeValue { S = projectId } },
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
        return members.Any(m => m.M is { } member && member.TryGetValue("userId", out var id) && id.S == userId)
            ? ProjectAccess.Member
            : ProjectAccess.NotMember;
    }
}
