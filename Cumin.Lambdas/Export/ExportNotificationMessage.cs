using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Export;

/// <summary>
/// The completion message the exporter sends to SQS: plain camelCase JSON, every member present (nulls included),
/// <c>{"type":"export.completed","userId",…,"error":null}</c>. The silos read it as <c>Cumin.Exports.ExportEndedMessage</c>;
/// this copy keeps the Lambda free of Orleans (Cumin.Abstractions carries the Orleans SDK and grain interfaces), and
/// the JSON shape is the contract both sides are tested against. <c>traceParent</c> is the W3C trace context of the
/// export, so the silo's delivery to the owner joins the export's trace.
/// </summary>
public sealed record ExportNotificationMessage(
    string Type,
    string UserId,
    string ExportId,
    string ProjectId,
    string? Url,
    DateTimeOffset? UrlExpiresAt,
    int? TaskCount,
    string? Error,
    string? TraceParent = null)
{
    public const string Completed = "export.completed";
    public const string Failed = "export.failed";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ExportNotificationMessage))]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
