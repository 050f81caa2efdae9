using System.Text.Json.Nodes;

namespace Cumin.Lambdas.Activity;

/// <summary>
/// One line of a project's activity, derived from one stream record's images. <see cref="EventId"/> (the record's
/// <c>eventID</c>, unique to it and the same on every delivery) and <see cref="Ordinal"/> (its place among the entries
/// the record gives) identify it: stored once whatever is delivered again.
/// </summary>
/// <param name="TaskId">Null for project-level entries (members, labels, the project itself).</param>
/// <param name="ActorId">Who made the change, from the image (<c>updatedBy</c>, <c>createdBy</c>, <c>deletedBy</c>); null when it does not say.</param>
/// <param name="Type">One of <see cref="ProjectEventTypes"/>.</param>
/// <param name="Changes">Each changed field → <c>{"from":…,"to":…}</c>.</param>
public sealed record ActivityEntry(
    string EventId,
    short Ordinal,
    string ProjectId,
    string? TaskId,
    string? ActorId,
    string Type,
    DateTimeOffset At,
    JsonObject Changes);

/// <summary>A REMOVE record of the projects table: the project's activity goes with it.</summary>
public readonly record struct ActivityProjectRemoval(string ProjectId);

/// <summary>What applying a batch did, for logs and tests.</summary>
public readonly record struct ActivityBatchOutcome(int Written, int AlreadyWritten, int OfDeletedProjects, int ProjectsRemoved, int ProjectsTrimmed);
