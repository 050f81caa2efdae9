using System.Text.Json.Serialization;
using Cumin.Exports;

namespace Cumin.Grains.Exports;

/// <summary>
/// An export job as stored: the item (pk user id, sk export id) of the <c>jobs</c> table. The grain writes it once,
/// pending; from then on <c>ExporterFunction</c> owns it and moves it on with conditional UpdateItems that also bump
/// <c>etag</c>. Members that are not known yet are left out of the item rather than stored as NULL.
/// </summary>
public sealed class ExportJobState
{
    public string Id { get; set; } = "";

    public string UserId { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public ExportStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The exporter's claim: the <c>eventID</c> of the INSERT record whose run holds (or held) the job.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Attempt { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? CompletedAt { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TaskCount { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? UrlExpiresAt { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; set; }

    /// <summary>The W3C trace context of the request that asked for the export: the exporter continues that trace.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; set; }

    public ExportView ToView() => new(Id, ProjectId, Status, CreatedAt, CompletedAt, TaskCount, Url, UrlExpiresAt, Error);
}
