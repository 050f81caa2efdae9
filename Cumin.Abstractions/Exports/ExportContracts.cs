using Cumin.Primitives;

namespace Cumin.Exports;

/// <summary>Where an export job stands. Travels and is stored as <c>pending</c>, <c>running</c>, <c>done</c>, <c>failed</c>.</summary>
[GenerateSerializer, Alias("cumin.export-status")]
public enum ExportStatus
{
    Pending,
    Running,
    Done,
    Failed,
}

/// <summary>An export job as its owner sees it; the last five members are null until known.</summary>
[GenerateSerializer, Immutable, Alias("cumin.export")]
public sealed record ExportView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] ExportStatus Status,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? CompletedAt,
    [property: Id(5)] int? TaskCount,
    [property: Id(6)] string? Url,
    [property: Id(7)] DateTimeOffset? UrlExpiresAt,
    [property: Id(8)] string? Error);

/// <summary>
/// One export job; key <c>{userId}/{exportId}</c>, so its state is the item (pk user id, sk export id) of the
/// <c>jobs</c> table whose INSERT record starts <c>ExporterFunction</c>. The key holds the owner's id: a caller can
/// only ever address their own jobs.
/// </summary>
[Alias("cumin.IExportJobGrain")]
public interface IExportJobGrain : IGrainWithStringKey
{
    /// <summary>Writes the pending job. Called by the owner's user grain, which has checked the membership.</summary>
    [Alias("create")]
    Task<Reply<ExportView>> Create(string projectId);

    /// <summary>The job as stored now (the exporter moves it on), or null when there is no such job.</summary>
    [Alias("get")]
    Task<ExportView?> Get();

    public static string KeyOf(string userId, string exportId) => $"{userId}/{exportId}";
}

/// <summary>
/// The message <c>ExporterFunction</c> sends to SQS when a job ends, completed or failed (<see cref="Type"/>), read by the silos' SQS stream provider as plain
/// JSON (camelCase) and delivered on stream <c>user-notifications/{userId}</c>. The Lambda side has its own copy of
/// this shape (it takes no Orleans dependency); the JSON is the contract. The alias keeps the type's first name, so
/// what was serialized under it still reads.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.export-completed-message")]
public sealed record ExportEndedMessage(
    [property: Id(0)] string Type,
    [property: Id(1)] string UserId,
    [property: Id(2)] string ExportId,
    [property: Id(3)] string ProjectId,
    [property: Id(4)] string? Url,
    [property: Id(5)] DateTimeOffset? UrlExpiresAt,
    [property: Id(6)] int? TaskCount,
    [property: Id(7)] string? Error,
    [property: Id(8)] string? TraceParent = null)
{
    public const string Completed = "export.completed";
    public const string Failed = "export.failed";
}

public static class ExportLimits
{
    /// <summary>How many of a user's exports <c>GET /api/exports</c> lists (the newest).</summary>
    public const int ListMax = 100;

    /// <summary>Exports of one user pending or running at once (API.md); one more is answered 429.</summary>
    public const int ActivePerUser = 3;

    /// <summary>What a refused export is told to wait (Retry-After): an export of 10,000 tasks takes about 1.5 s.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A job still pending or running this long after it was asked for is dead (the exporter gave up on its record, or
    /// crashed holding it) and is ended as failed, so it holds none of its owner's places for ever. The exporter's
    /// Lambda runs at most 15 minutes an attempt, 4 attempts (deploy/cumin.yaml); the tests check this outlasts them.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(2);
}
