using System.Text.Json.Nodes;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Activity;

/// <summary>
/// Turns a stream record of the tasks, comments, labels or projects table into activity entries, from its old and new
/// images alone: the same record always gives the same entries, so redelivery and reordering cannot change them.
/// </summary>
/// <remarks>
/// <para>Who: the image's <c>updatedBy</c> (<c>createdBy</c> for a new task or comment, <c>deletedBy</c> for a removal, which the
/// writer stamps just before deleting). When: the image's <c>updatedAt</c> when the write set it, else the record's time.</para>
/// <para>Writes that are not a person's change give nothing: a task's <c>commentCount</c> (the comment's own entry says it), the
/// stamp before a deletion, and removals without that stamp (a task's comments going with it, a deleted project's items).</para>
/// </remarks>
internal sealed class ActivityReader(TableOptions tables)
{
    /// <summary>A task's content; a change of any of these is <c>task.updated</c>.</summary>
    private static readonly string[] TaskContent =
    [
        TaskAttributes.Title, TaskAttributes.Description, TaskAttributes.Priority, TaskAttributes.AssigneeId,
        TaskAttributes.DueDate, TaskAttributes.LabelIds,
    ];

    /// <summary>A task's place; a change of only these is <c>task.moved</c>.</summary>
    private static readonly string[] TaskPlace = [TaskAttributes.Status, TaskAttributes.Rank];

    /// <summary>What a new task's entry shows.</summary>
    private static readonly string[] TaskCreation =
    [
        TaskAttributes.Title, TaskAttributes.Description, TaskAttributes.Status, TaskAttributes.Priority,
        TaskAttributes.AssigneeId, TaskAttributes.DueDate, TaskAttributes.LabelIds,
    ];

    private static readonly string[] ProjectFields = [ProjectAttributes.Name, ProjectAttributes.Description];

    private static readonly string[] LabelFields = [LabelEntryAttributes.Name, LabelEntryAttributes.Color];

    private readonly string _tasks = tables.NameOf(TableNames.Tasks);
    private readonly string _comments = tables.NameOf(TableNames.Comments);
    private readonly string _labels = tables.NameOf(TableNames.Labels);
    private readonly string _projects = tables.NameOf(TableNames.Projects);

    public string SourceTables => string.Join(", ", _tasks, _comments, _labels, _projects);

    public ActivityRead Read(DynamoDbStreamRecord record)
    {
        if (record.Dynamodb is not { } data)
        {
            return ActivityRead.Bad("no dynamodb member");
        }

        if (record.EventId is not { Length: > 0 } eventId)
        {
            return ActivityRead.Bad("no eventID");
        }

        if (record.EventName is not (StreamEventNames.Insert or StreamEventNames.Modify or StreamEventNames.Remove))
        {
            return ActivityRead.Bad($"unknown eventName '{record.EventName}'");
        }

        var table = record.TableName();
        if (table != _tasks && table != _comments && table != _labels && table != _projects)
        {
            return ActivityRead.Bad($"eventSourceARN is not the stream of {SourceTables}");
        }

        // Where each table's items say when they changed, and who deleted them.
        var (updatedAt, deletedBy) = table == _tasks ? (TaskAttributes.UpdatedAt, TaskAttributes.DeletedBy)
            : table == _comments ? (CommentAttributes.UpdatedAt, CommentAttributes.DeletedBy)
            : table == _labels ? (LabelAttributes.UpdatedAt, null)
            : (ProjectAttributes.UpdatedAt, (string?)null);
        var change = new ActivityChange(record.EventName, eventId, new ItemImage(data.OldImage), new ItemImage(data.NewImage), data, updatedAt, deletedBy);
        if (table == _projects && change.IsRemove)
        {
            // Keys are enough: everything of the project goes.
            return Key(data, KeyAttributes.Partition) is { } removed
                ? new ActivityRead([], new ActivityProjectRemoval(removed))
                : ActivityRead.Bad("missing key pk");
        }

        if (change.Missing() is { } missing)
        {
            return ActivityRead.Bad(missing);
        }

        if (table == _tasks)
        {
            return Key(data, KeyAttributes.Partition) is { } projectId && Key(data, KeyAttributes.Sort) is { } taskId
                ? Task(change, projectId, taskId)
                : ActivityRead.Bad("missing key pk or sk");
        }

        if (table == _comments)
        {
            // pk is "{projectId}/{taskId}".
            var partition = Key(data, KeyAttributes.Partition)?.Split('/');
            return partition is [{ Length: > 0 } projectId, { Length: > 0 } taskId] && Key(data, KeyAttributes.Sort) is not null
                ? Comment(change, projectId, taskId)
                : ActivityRead.Bad("missing or malformed key pk ({projectId}/{taskId}) or sk");
        }

        return Key(data, KeyAttributes.Partition) is { } project
            ? table == _labels ? Labels(change, project) : Project(change, project)
            : ActivityRead.Bad("missing key pk");
    }

    private static ActivityRead Task(ActivityChange change, string projectId, string taskId)
    {
        if (change.IsInsert)
        {
            return change.One(projectId, taskId, change.New.Text(TaskAttributes.CreatedBy) ?? change.New.Text(TaskAttributes.UpdatedBy),
                ProjectEventTypes.TaskCreated, Created(change.New, TaskCreation));
        }

        if (change.IsRemove)
        {
            return change.Old.Text(TaskAttributes.DeletedBy) is { } deletedBy
                ? change.One(projectId, taskId, deletedBy, ProjectEventTypes.TaskDeleted, Removed(change.Old, [TaskAttributes.Title]))
                : ActivityRead.Nothing;
        }

        if (change.New.Has(TaskAttributes.DeletedBy))
        {
            return ActivityRead.Nothing;
        }

        var changes = Changed(change.Old, change.New, TaskContent);
        var type = changes.Count == 0 ? ProjectEventTypes.TaskMoved : ProjectEventTypes.TaskUpdated;
        foreach (var (field, value) in Changed(change.Old, change.New, TaskPlace))
        {
            changes[field] = value!.DeepClone();
        }

        return changes.Count == 0
            ? ActivityRead.Nothing
            : change.One(projectId, taskId, change.New.Text(TaskAttributes.UpdatedBy), type, changes);
    }

    private static ActivityRead Comment(ActivityChange change, string projectId, string taskId)
    {
        string[] body = [CommentAttributes.Body];
        if (change.IsInsert)
        {
            return change.One(projectId, taskId, change.New.Text(CommentAttributes.AuthorId) ?? change.New.Text(CommentAttributes.CreatedBy),
                ProjectEventTypes.CommentCreated, Created(change.New, body));
        }

        if (change.IsRemove)
        {
            return change.Old.Text(CommentAttributes.DeletedBy) is { } deletedBy
                ? change.One(projectId, taskId, deletedBy, ProjectEventTypes.CommentDeleted, Removed(change.Old, body))
                : ActivityRead.Nothing;
        }

        var edited = Changed(change.Old, change.New, body);
        return change.New.Has(CommentAttributes.DeletedBy) || edited.Count == 0
            ? ActivityRead.Nothing
            : change.One(projectId, taskId, change.New.Text(CommentAttributes.UpdatedBy), ProjectEventTypes.CommentUpdated, edited);
    }

    /// <summary>One item holds all of a project's labels: entries come from comparing the lists by label id.</summary>
    private static ActivityRead Labels(ActivityChange change, string projectId)
    {
        if (change.IsRemove)
        {
            // The project is being deleted; its own REMOVE record takes its activity away.
            return ActivityRead.Nothing;
        }

        var before = ById(change.Old.Maps(LabelAttributes.Labels), LabelEntryAttributes.Id);
        var after = ById(change.New.Maps(LabelAttributes.Labels), LabelEntryAttributes.Id);
        var entries = new List<(string Type, JsonObject Changes)>();
        foreach (var (id, label) in after)
        {
            if (!before.TryGetValue(id, out var old))
            {
                entries.Add((ProjectEventTypes.LabelCreated, Created(label, LabelFields)));
            }
            else if (Changed(old, label, LabelFields) is { Count: > 0 } changed)
            {
                entries.Add((ProjectEventTypes.LabelUpdated, changed));
            }
        }

        entries.AddRange(before.Where(b => !after.ContainsKey(b.Key)).Select(b => (ProjectEventTypes.LabelDeleted, Removed(b.Value, LabelFields))));
        return change.Many(projectId, change.New.Text(LabelAttributes.UpdatedBy), entries);
    }

    /// <summary>The project's name and description, and its members: who joined and who left, by comparing the lists.</summary>
    private static ActivityRead Project(ActivityChange change, string projectId)
    {
        var actor = change.New.Text(ProjectAttributes.UpdatedBy);
        var entries = new List<(string Type, JsonObject Changes)>();
        var fields = change.IsInsert ? Created(change.New, ProjectFields) : Changed(change.Old, change.New, ProjectFields);
        if (fields.Count > 0)
        {
            entries.Add((ProjectEventTypes.ProjectUpdated, fields));
        }

        string[] member = [MemberAttributes.UserId, MemberAttributes.Name, MemberAttributes.Role];
        var before = ById(change.Old.Maps(ProjectAttributes.Members), MemberAttributes.UserId);
        var after = ById(change.New.Maps(ProjectAttributes.Members), MemberAttributes.UserId);
        // A new project's owner is part of its creation, not a member added.
        entries.AddRange(after.Where(a => !change.IsInsert && !before.ContainsKey(a.Key))
            .Select(a => (ProjectEventTypes.MemberAdded, Created(a.Value, member))));
        entries.AddRange(before.Where(b => !after.ContainsKey(b.Key))
            .Select(b => (ProjectEventTypes.MemberRemoved, Removed(b.Value, member))));
        actor ??= change.IsInsert ? change.New.Text(ProjectAttributes.OwnerId) : null;
        return change.Many(projectId, actor, entries);
    }

    private static Dictionary<string, ItemImage> ById(IEnumerable<ItemImage> maps, string idAttribute)
    {
        // Insertion order is kept for enumeration: entries come out in the list's order, the same on every delivery.
        var byId = new Dictionary<string, ItemImage>(StringComparer.Ordinal);
        foreach (var map in maps)
        {
            if (map.Text(idAttribute) is { } id)
            {
                byId.TryAdd(id, map);
            }
        }

        return byId;
    }

    private static JsonObject Created(ItemImage image, IEnumerable<string> fields) =>
        Fields(fields, field => (null, Shown(image, field)));

    private static JsonObject Removed(ItemImage image, IEnumerable<string> fields) =>
        Fields(fields, field => (Shown(image, field), null));

    private static JsonObject Changed(ItemImage before, ItemImage after, IEnumerable<string> fields) =>
        Fields(fields, field => (before.Json(field) ?? Empty(field), after.Json(field) ?? Empty(field)));

    /// <summary>Each field whose from and to differ → {from, to}.</summary>
    private static JsonObject Fields(IEnumerable<string> fields, Func<string, (JsonNode? From, JsonNode? To)> values)
    {
        var changes = new JsonObject();
        foreach (var field in fields)
        {
            var (from, to) = values(field);
            if (!JsonNode.DeepEquals(from, to))
            {
                changes[field] = new JsonObject { ["from"] = from, ["to"] = to };
            }
        }

        return changes;
    }

    /// <summary>What a field shows on creation or removal: nothing for an empty list.</summary>
    private static JsonNode? Shown(ItemImage image, string field) =>
        image.Json(field) is JsonArray { Count: 0 } ? null : image.Json(field);

    /// <summary>A task without labels may have no <c>labelIds</c> at all: the same as an empty list.</summary>
    private static JsonArray? Empty(string field) => field == TaskAttributes.LabelIds ? [] : null;

    private static string? Key(StreamRecordData data, string name) =>
        data.Keys is not null && data.Keys.TryGetValue(name, out var value) && value.S is { Length: > 0 } text ? text : null;
}
