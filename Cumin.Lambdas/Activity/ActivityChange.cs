using System.Text.Json.Nodes;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Activity;

/// <summary>One record's change, and what every entry it gives shares: its identity, its time and its actor.</summary>
internal sealed record ActivityChange(
    string EventName, string EventId, ItemImage Old, ItemImage New, StreamRecordData Data, string UpdatedAtAttribute, string? DeletedByAttribute)
{
    public bool IsInsert => EventName == StreamEventNames.Insert;

    public bool IsRemove => EventName == StreamEventNames.Remove;

    /// <summary>Why the record lacks an image its event needs (the stream must be NEW_AND_OLD_IMAGES), or null.</summary>
    public string? Missing() => EventName switch
    {
        StreamEventNames.Insert when !New.Exists => "no NewImage (the stream must be NEW_AND_OLD_IMAGES)",
        StreamEventNames.Modify when !New.Exists || !Old.Exists => "no NewImage or OldImage (the stream must be NEW_AND_OLD_IMAGES)",
        StreamEventNames.Remove when !Old.Exists => "no OldImage (the stream must be NEW_AND_OLD_IMAGES)",
        _ => null,
    };

    /// <summary>
    /// The image's <c>updatedAt</c> when this write set it (a removal: when the stamp before it did), else the record's own
    /// time: a write that leaves <c>updatedAt</c> as it was (a project's task counted, a cascade) did not happen then.
    /// </summary>
    public DateTimeOffset At()
    {
        var (image, stamped) = IsRemove
            ? (Old, DeletedByAttribute is not null && Old.Has(DeletedByAttribute))
            : (New, !Old.Exists || Old.Text(UpdatedAtAttribute) != New.Text(UpdatedAtAttribute));
        if (stamped && image.Time(UpdatedAtAttribute) is { } updatedAt)
        {
            return updatedAt;
        }

        return Data.ApproximateCreationDateTime is { } seconds
            ? DateTimeOffset.UnixEpoch.AddMilliseconds(Math.Round(seconds * 1000))
            : DateTimeOffset.UnixEpoch;
    }

    public ActivityRead One(string projectId, string? taskId, string? actor, string type, JsonObject changes) =>
        new([new ActivityEntry(EventId, 0, projectId, taskId, actor, type, At(), changes)]);

    public ActivityRead Many(string projectId, string? actor, List<(string Type, JsonObject Changes)> entries)
    {
        var at = At();
        return new([.. entries.Select((e, i) => new ActivityEntry(EventId, (short)i, projectId, null, actor, e.Type, at, e.Changes))]);
    }
}
