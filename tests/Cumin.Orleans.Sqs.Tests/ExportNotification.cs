namespace Cumin.Orleans.Sqs.Tests;

/// <summary>
/// Plays the export-completion notification the exporter Lambda sends as plain JSON
/// (<c>{"type":"export.completed","userId":…,"exportId":…}</c>); the real contract lives in Cumin.Abstractions.
/// </summary>
[GenerateSerializer]
[Alias("cumin.sqs.tests.export-notification")]
public sealed record ExportNotification(
    [property: Id(0)] string Type,
    [property: Id(1)] string UserId,
    [property: Id(2)] string ExportId,
    [property: Id(3)] string ProjectId,
    [property: Id(4)] string? Url,
    [property: Id(5)] DateTimeOffset? UrlExpiresAt,
    [property: Id(6)] int? TaskCount,
    [property: Id(7)] string? Error);
