namespace Cumin.Live;

/// <summary>
/// One change of a project as watchers see it (API.md's <c>projectEvent</c>): <see cref="Type"/> is one of
/// <see cref="ProjectEventTypes"/>, <see cref="Data"/> what API.md's table gives for it (a <see cref="Tasks.TaskItem"/>,
/// a <see cref="Comments.Comment"/>, a <see cref="Labels.Label"/>, a <see cref="Projects.Member"/>, a
/// <see cref="Projects.ProjectView"/>, or one of the small records below), serialized by its own type.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.project-event")]
public sealed record ProjectEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? ActorId,
    [property: Id(5)] object Data);

[GenerateSerializer, Immutable, Alias("cumin.task-deleted")]
public sealed record TaskDeleted([property: Id(0)] string TaskId);

[GenerateSerializer, Immutable, Alias("cumin.comment-deleted")]
public sealed record CommentDeleted([property: Id(0)] string TaskId, [property: Id(1)] string CommentId);

[GenerateSerializer, Immutable, Alias("cumin.label-deleted")]
public sealed record LabelDeleted([property: Id(0)] string LabelId);

[GenerateSerializer, Immutable, Alias("cumin.member-removed")]
public sealed record MemberRemoved([property: Id(0)] string UserId);

/// <summary><c>project.deleted</c>'s data: <c>{}</c>.</summary>
[GenerateSerializer, Immutable, Alias("cumin.project-deleted")]
public sealed record ProjectDeleted
{
    public static ProjectDeleted Instance { get; } = new();
}

/// <summary><c>counts.updated</c>'s data: the project's counts as the aggregator has just stored them.</summary>
[GenerateSerializer, Immutable, Alias("cumin.counts")]
public sealed record ProjectCounts(
    [property: Id(0)] long Todo,
    [property: Id(1)] long InProgress,
    [property: Id(2)] long Done)
{
    public long Total => Todo + InProgress + Done;
}

/// <summary>
/// What a task grain's write was, told to its project with the write (<see cref="Projects.IProjectGrain.TaskWritten"/>),
/// so the project can publish it: the event type, who made it, and the comment a comment event is about.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.task-news")]
public sealed record TaskNews(
    [property: Id(0)] string Type,
    [property: Id(1)] string ActorId,
    [property: Id(2)] Comments.Comment? Comment = null);

/// <summary>
/// The aggregator's word that a project's counts changed (plain JSON on the notifications queue,
/// <c>{"type":"counts.updated","projectId",…}</c>), delivered on stream <c>project-counts/{projectId}</c> to the
/// project, which hands it to its watchers as <c>counts.updated</c>. <see cref="Version"/> grows with every change of
/// the project's counts, so one that arrives after a newer one is dropped. The Lambda side has its own copy of this
/// shape; the JSON is the contract.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.counts-message")]
public sealed record ProjectCountsMessage(
    [property: Id(0)] string Type,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] long Todo,
    [property: Id(3)] long InProgress,
    [property: Id(4)] long Done,
    [property: Id(5)] long Version,
    [property: Id(6)] string? TraceParent = null);
