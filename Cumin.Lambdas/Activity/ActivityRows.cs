namespace Cumin.Lambdas.Activity;

/// <summary>
/// One stored activity entry (table <c>activity_entries</c>). <see cref="EventId"/> and <see cref="Ordinal"/> are unique
/// together: a stream record delivered again writes nothing new. Read newest first by (<see cref="At"/>, <see cref="Id"/>).
/// </summary>
public sealed class ActivityLogEntry
{
    /// <summary>Assigned by PostgreSQL; the entry's id in the API and the tie-breaker between entries of one instant.</summary>
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public string? TaskId { get; set; }

    public string? ActorId { get; set; }

    /// <summary>One of <see cref="ProjectEventTypes"/>.</summary>
    public required string Type { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>jsonb: field → <c>{"from":…,"to":…}</c>.</summary>
    public required string Changes { get; set; }

    /// <summary>The stream record's <c>eventID</c>.</summary>
    public required string EventId { get; set; }

    /// <summary>The entry's place among those its record gives (a project's record may add one member and rename it).</summary>
    public short Ordinal { get; set; }
}

/// <summary>
/// The activity's bookkeeping per project (table <c>activity_projects</c>): how many entries it holds (so the cap is
/// kept without counting them), the newest time trimmed away (so a late or repeated record behind it is not written
/// again), and whether the project is deleted (so its late records write nothing).
/// </summary>
public sealed class ActivityProject
{
    public required string ProjectId { get; set; }

    public int Entries { get; set; }

    /// <summary>Entries at or before this were trimmed by the cap; null: none yet.</summary>
    public DateTimeOffset? TrimmedThrough { get; set; }

    /// <summary>When the project's REMOVE record was applied; the row is purged after the stream's 24 hours are long past.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
}
