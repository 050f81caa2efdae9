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

/// <summary>What the export reads of its project: whether its owner may read it, and the members' e-mails (for the assignee column).</summary>
public sealed record ProjectSnapshot(ProjectAccess Access, IReadOnlyDictionary<string, string> EmailsByUserId);

/// <summary>The exporter's one read of the <c>projects</c> table: the project grain's item, its id and members only.</summary>
public sealed class ProjectTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    public async Task<ProjectSnapshot> ReadAsync(string projectId, string userId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest
            {
                TableName = tableName,
                Key = new() { [KeyAttributes.Partition] = new AttributeValue { S = projectId } },
                ConsistentRead = true,
                ProjectionExpression = "#id, #members",
                ExpressionAttributeNames = new() { ["#id"] = ProjectAttributes.Id, ["#members"] = ProjectAttributes.Members },
            },
            cancellationToken);
        // A cleared project (if the table kept cleared items) would hold its keys only: no id.
        if (response.Item is not { Count: > 0 } item || !item.ContainsKey(ProjectAttributes.Id))
        {
            return new ProjectSnapshot(ProjectAccess.NoProject, new Dictionary<string, string>());
        }

        var emails = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in (item.TryGetValue(ProjectAttributes.Members, out var list) ? list.L ?? [] : []).Select(m => m.M).OfType<Dictionary<string, AttributeValue>>())
        {
            if (member.GetValueOrDefault(MemberAttributes.UserId)?.S is { } id)
            {
                emails[id] = member.GetValueOrDefault(MemberAttributes.Email)?.S ?? "";
            }
        }

        return new ProjectSnapshot(emails.ContainsKey(userId) ? ProjectAccess.Member : ProjectAccess.NotMember, emails);
    }
}

/// <summary>The exporter's one read of the <c>labels</c> table: the project's labels item, each label's id and name.</summary>
public sealed class LabelTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(string projectId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest
            {
                TableName = tableName,
                Key = new() { [KeyAttributes.Partition] = new AttributeValue { S = projectId } },
                ConsistentRead = true,
                ProjectionExpression = "#labels",
                ExpressionAttributeNames = new() { ["#labels"] = LabelAttributes.Labels },
            },
            cancellationToken);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        // A project that never had a label has no item.
        foreach (var label in (response.Item?.GetValueOrDefault(LabelAttributes.Labels)?.L ?? []).Select(l => l.M).OfType<Dictionary<string, AttributeValue>>())
        {
            if (label.GetValueOrDefault(LabelEntryAttributes.Id)?.S is { } id)
            {
                names[id] = label.GetValueOrDefault(LabelEntryAttributes.Name)?.S ?? "";
            }
        }

        return names;
    }
}
