using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cumin.Lambdas.Streams;
using Cumin.Webhooks;
using Image = System.Collections.Generic.IReadOnlyDictionary<string, Cumin.Lambdas.Streams.StreamAttributeValue>;

namespace Cumin.Lambdas.Webhooks;

/// <summary>
/// Turns the tables' stream records (old and new images) into the <c>projectEvent</c>s of API.md's "Live board": tasks
/// (created, updated, moved, deleted), comments, labels, members and the project, and pings from the webhooks table.
/// Pure: the same record always gives the same changes, so a batch delivered twice gives the same event ids.
/// </summary>
public sealed class ProjectEventReader(TableOptions tables)
{
    /// <summary>What a task's image holds that is not the API's Task: the storage's keys and index keys.</summary>
    private static readonly HashSet<string> TaskInternals = new(StringComparer.Ordinal)
    {
        KeyAttributes.Partition, KeyAttributes.Sort, KeyAttributes.ETag, TaskAttributes.BoardKey, TaskAttributes.AssigneeKey, TaskAttributes.DeletedBy,
    };

    /// <summary>Changes to these alone move a task; the rest of the bookkeeping changes with every write.</summary>
    private static readonly HashSet<string> MoveFields = new(StringComparer.Ordinal) { TaskAttributes.Status, TaskAttributes.Rank };

    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal)
    {
        TaskAttributes.UpdatedAt, TaskAttributes.UpdatedBy, TaskAttributes.Version,
    };

    private readonly string _tasks = tables.NameOf(TableNames.Tasks);
    private readonly string _comments = tables.NameOf(TableNames.Comments);
    private readonly string _labels = tables.NameOf(TableNames.Labels);
    private readonly string _projects = tables.NameOf(TableNames.Projects);
    private readonly string _webhooks = tables.NameOf(TableNames.Webhooks);

    /// <summary>The tables whose streams this reads (before the prefix).</summary>
    public static IReadOnlyList<string> Tables { get; } = [TableNames.Tasks, TableNames.Comments, TableNames.Labels, TableNames.Projects, TableNames.Webhooks];

    /// <summary>
    /// The delivery id of the <paramref name="index"/>th change of a stream record to one webhook: stable, so a
    /// redelivered batch is recognisable by <c>Cumin-Delivery</c>.
    /// </summary>
    public static string EventId(string recordId, int index, string webhookId) =>
        "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{recordId}\n{index}\n{webhookId}")).AsSpan(0, 16));

    public IReadOnlyList<ProjectChange> Read(DynamoDbStreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Dynamodb is not { } data)
        {
            return [];
        }

        var table = record.TableName();
        var source = record.EventId ?? data.SequenceNumber ?? "";
        var at = data.ApproximateCreationDateTime is { } seconds
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : DateTimeOffset.UnixEpoch;
        return table switch
        {
            _ when table == _tasks => Task(record.EventName, data.OldImage, data.NewImage, at, source),
            _ when table == _comments => Comment(record.EventName, data.OldImage, data.NewImage, at, source),
            _ when table == _labels => Labels(data.OldImage, data.NewImage, at, source, KeyOf(data)),
            _ when table == _projects => Project(record.EventName, data.OldImage, data.NewImage, at, source),
            _ when table == _webhooks => Pings(data.OldImage, data.NewImage, at, source, KeyOf(data)),
            _ => [],
        };
    }

    private static string? KeyOf(StreamRecordData data) =>
        data.Keys is { } keys && keys.TryGetValue(KeyAttributes.Partition, out var pk) ? pk.S : null;

    private static List<ProjectChange> Task(string? eventName, Image? before, Image? after, DateTimeOffset at, string source)
    {
        switch (eventName)
        {
            case StreamEventNames.Insert when after is not null:
                return [new(S(after, TaskAttributes.ProjectId) ?? "", ProjectEventTypes.TaskCreated, When(after, at), S(after, TaskAttributes.CreatedBy), TaskJson(after), source)];
            case StreamEventNames.Modify when after is not null && before is not null:
                if (after.ContainsKey(TaskAttributes.DeletedBy))
                {
                    // The stamp just before a delete: the REMOVE that follows is the event.
                    return [];
                }

                var changed = TaskJson(after).Where(p => !JsonNode.DeepEquals(p.Value, TaskJson(before)[p.Key])).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
                changed.ExceptWith(Bookkeeping);
                // A comment's count follows a comment, whose own event says it.
                changed.Remove(TaskAttributes.CommentCount);
                if (changed.Count == 0)
                {
                    return [];
                }

                var type = changed.IsSubsetOf(MoveFields) ? ProjectEventTypes.TaskMoved : ProjectEventTypes.TaskUpdated;
                return [new(S(after, TaskAttributes.ProjectId) ?? "", type, When(after, at), S(after, TaskAttributes.UpdatedBy), TaskJson(after), source)];
            case StreamEventNames.Remove when before is not null:
                return [new(S(before, TaskAttributes.ProjectId) ?? "", ProjectEventTypes.TaskDeleted, When(before, at),
                    S(before, TaskAttributes.DeletedBy) ?? S(before, TaskAttributes.UpdatedBy), new JsonObject { ["taskId"] = S(before, TaskAttributes.Id) }, source)];
            default:
                return [];
        }
    }

    private static List<ProjectChange> Comment(string? eventName, Image? before, Image? after, DateTimeOffset at, string source)
    {
        switch (eventName)
        {
            case StreamEventNames.Insert when after is not null:
                return [new(S(after, CommentAttributes.ProjectId) ?? "", ProjectEventTypes.CommentCreated, When(after, at), S(after, CommentAttributes.AuthorId), CommentJson(after), source)];
            case StreamEventNames.Modify when after is not null && before is not null:
                return after.ContainsKey(CommentAttributes.DeletedBy) || S(after, CommentAttributes.Body) == S(before, CommentAttributes.Body)
                    ? []
                    : [new(S(after, CommentAttributes.ProjectId) ?? "", ProjectEventTypes.CommentUpdated, When(after, at), S(after, CommentAttributes.UpdatedBy), CommentJson(after), source)];
            case StreamEventNames.Remove when before is not null:
                return [new(S(before, CommentAttributes.ProjectId) ?? "", ProjectEventTypes.CommentDeleted, When(before, at),
                    S(before, CommentAttributes.DeletedBy) ?? S(before, CommentAttributes.UpdatedBy),
                    new JsonObject { ["taskId"] = S(before, CommentAttributes.TaskId), ["commentId"] = S(before, CommentAttributes.Id) }, source)];
            default:
                return [];
        }
    }

    /// <summary>The labels item holds every label of the project: one event per label created, changed or removed.</summary>
    private static List<ProjectChange> Labels(Image? before, Image? after, DateTimeOffset at, string source, string? projectId)
    {
        if (projectId is null)
        {
            return [];
        }

        var old = LabelsOf(before);
        var now = LabelsOf(after);
        var actor = S(after ?? before, LabelAttributes.UpdatedBy);
        var when = When(after ?? before, at, LabelAttributes.UpdatedAt);
        var changes = new List<ProjectChange>();
        foreach (var (id, label) in now)
        {
            var json = new JsonObject { ["id"] = id, ["projectId"] = projectId, ["name"] = S(label, "name"), ["color"] = S(label, "color") };
            if (!old.TryGetValue(id, out var previous))
            {
                changes.Add(new(projectId, ProjectEventTypes.LabelCreated, when, actor, json, source));
            }
            else if (S(previous, "name") != S(label, "name") || S(previous, "color") != S(label, "color"))
            {
                changes.Add(new(projectId, ProjectEventTypes.LabelUpdated, when, actor, json, source));
            }
        }

        // A deleted project's labels go with it; project.deleted is not delivered (its webhooks went first).
        if (after is not null)
        {
            changes.AddRange(old.Keys.Where(id => !now.ContainsKey(id))
                .Select(id => new ProjectChange(projectId, ProjectEventTypes.LabelDeleted, when, actor, new JsonObject { ["labelId"] = id }, source)));
        }

        return changes;
    }

    private static List<ProjectChange> Project(string? eventName, Image? before, Image? after, DateTimeOffset at, string source)
    {
        if (eventName != StreamEventNames.Modify || before is null || after is null || S(after, "id") is not { } projectId)
        {
            return [];
        }

        var actor = S(after, "updatedBy");
        var when = When(after, at);
        var changes = new List<ProjectChange>();
        if (S(before, "name") != S(after, "name") || S(before, "description") != S(after, "description"))
        {
            changes.Add(new(projectId, ProjectEventTypes.ProjectUpdated, when, actor, new JsonObject
            {
                ["id"] = projectId,
                ["name"] = S(after, "name"),
                ["description"] = S(after, "description"),
                ["ownerId"] = S(after, "ownerId"),
                ["createdAt"] = S(after, "createdAt"),
                ["updatedAt"] = S(after, "updatedAt"),
            }, source));
        }

        var oldMembers = MembersOf(before);
        var newMembers = MembersOf(after);
        foreach (var (userId, member) in newMembers.Where(m => !oldMembers.ContainsKey(m.Key)))
        {
            changes.Add(new(projectId, ProjectEventTypes.MemberAdded, when, actor, new JsonObject
            {
                ["userId"] = userId,
                ["name"] = S(member, "name"),
                ["email"] = S(member, "email"),
                ["role"] = S(member, "role"),
            }, source));
        }

        changes.AddRange(oldMembers.Keys.Where(id => !newMembers.ContainsKey(id))
            .Select(id => new ProjectChange(projectId, ProjectEventTypes.MemberRemoved, when, actor, new JsonObject { ["userId"] = id }, source)));
        return changes;
    }

    /// <summary>A webhook whose <c>pingId</c> is new in this image was pinged; its ping goes to it alone.</summary>
    private static List<ProjectChange> Pings(Image? before, Image? after, DateTimeOffset at, string source, string? projectId)
    {
        if (projectId is null || after is null)
        {
            return [];
        }

        var old = WebhooksOf(before);
        var changes = new List<ProjectChange>();
        foreach (var (id, webhook) in WebhooksOf(after))
        {
            var ping = S(webhook, WebhookAttributes.PingId);
            if (ping is not null && (!old.TryGetValue(id, out var previous) || S(previous, WebhookAttributes.PingId) != ping))
            {
                changes.Add(new(projectId, ProjectEventTypes.Ping, at, S(webhook, WebhookAttributes.PingedBy),
                    new JsonObject { ["webhookId"] = id }, source, OnlyWebhookId: id));
            }
        }

        return changes;
    }

    private static Dictionary<string, Image> LabelsOf(Image? item) => MapsById(item, LabelAttributes.Labels, "id");

    private static Dictionary<string, Image> MembersOf(Image? item) => MapsById(item, "members", "userId");

    private static Dictionary<string, Image> WebhooksOf(Image? item) => MapsById(item, WebhookAttributes.Webhooks, WebhookAttributes.Id);

    private static Dictionary<string, Image> MapsById(Image? item, string list, string key)
    {
        var result = new Dictionary<string, Image>(StringComparer.Ordinal);
        if (item is not null && item.TryGetValue(list, out var value) && value.L is { } entries)
        {
            foreach (var entry in entries)
            {
                if (entry.M is { } map && S(map, key) is { } id)
                {
                    result[id] = map;
                }
            }
        }

        return result;
    }

    /// <summary>The API's Task from a task image: every attribute but the storage's own, as JSON.</summary>
    private static JsonObject TaskJson(Image image)
    {
        var task = new JsonObject();
        foreach (var (name, value) in image.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!TaskInternals.Contains(name))
            {
                task[name] = StreamImageJson.ToNode(value);
            }
        }

        // Left out of the item when empty; the API always shows them.
        task.TryAdd(TaskAttributes.Description, null);
        task.TryAdd(TaskAttributes.AssigneeId, null);
        task.TryAdd(TaskAttributes.DueDate, null);
        task.TryAdd(TaskAttributes.LabelIds, new JsonArray());
        return task;
    }

    private static JsonObject CommentJson(Image image) => new()
    {
        ["id"] = S(image, CommentAttributes.Id),
        ["taskId"] = S(image, CommentAttributes.TaskId),
        ["authorId"] = S(image, CommentAttributes.AuthorId),
        ["body"] = S(image, CommentAttributes.Body),
        ["createdAt"] = S(image, CommentAttributes.CreatedAt),
        ["updatedAt"] = S(image, CommentAttributes.UpdatedAt),
    };

    private static DateTimeOffset When(Image? image, DateTimeOffset fallback, string attribute = TaskAttributes.UpdatedAt) =>
        S(image, attribute) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : fallback;

    private static string? S(Image? image, string name) =>
        image is not null && image.TryGetValue(name, out var value) ? value.S : null;
}
