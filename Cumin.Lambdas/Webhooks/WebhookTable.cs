using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Webhooks;

namespace Cumin.Lambdas.Webhooks;

/// <summary>A webhook as the functions read it from the project's webhooks item; <see cref="Secret"/> still sealed.</summary>
public sealed record WebhookDefinition(string Id, string Url, IReadOnlyList<string> Events, bool Active, string Secret, DateTimeOffset ActivatedAt)
{
    public bool Wants(string type) => Events.Contains(ProjectEventTypes.All) || Events.Contains(type);
}

/// <summary>The webhooks table (pk project id), which the project grain writes; read here with strongly consistent GetItem.</summary>
public sealed class WebhookTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    public async Task<IReadOnlyList<WebhookDefinition>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = new Dictionary<string, AttributeValue> { [KeyAttributes.Partition] = new() { S = projectId } },
            ConsistentRead = true,
        }, cancellationToken);
        if (response.Item is not { Count: > 0 } item || !item.TryGetValue(WebhookAttributes.Webhooks, out var list) || list.L is null)
        {
            return [];
        }

        var webhooks = new List<WebhookDefinition>();
        foreach (var entry in list.L)
        {
            if (entry.M is not { } map || S(map, WebhookAttributes.Id) is not { } id || S(map, WebhookAttributes.Url) is not { } url)
            {
                continue;
            }

            var events = map.TryGetValue(WebhookAttributes.Events, out var e) && e.L is { } types ? types.Select(t => t.S).OfType<string>().ToList() : [];
            var active = map.TryGetValue(WebhookAttributes.Active, out var a) && a.BOOL == true;
            var activatedAt = DateTimeOffset.TryParse(S(map, WebhookAttributes.ActivatedAt), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at : DateTimeOffset.MinValue;
            webhooks.Add(new WebhookDefinition(id, url, events, active, S(map, WebhookAttributes.Secret) ?? "", activatedAt));
        }

        return webhooks;
    }

    private static string? S(Dictionary<string, AttributeValue> map, string name) =>
        map.TryGetValue(name, out var value) ? value.S : null;
}
