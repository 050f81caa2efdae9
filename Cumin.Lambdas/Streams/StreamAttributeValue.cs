using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// One attribute value in DynamoDB JSON, as stream records carry it (<c>{"S":"x"}</c>, <c>{"N":"1"}</c>,
/// <c>{"M":{..}}</c>, <c>{"L":[..]}</c>, <c>{"BOOL":true}</c>, <c>{"NULL":true}</c>, <c>SS</c>, <c>NS</c>, <c>B</c>, <c>BS</c>).
/// Exactly one member is set. Numbers stay strings (DynamoDB numbers have 38 digits of precision) and
/// binaries stay base64 text, so a record re-serializes to the same JSON it was read from.
/// </summary>
public sealed record StreamAttributeValue
{
    [JsonPropertyName("S")]
    public string? S { get; init; }

    [JsonPropertyName("N")]
    public string? N { get; init; }

    /// <summary>Binary, base64 as on the wire.</summary>
    [JsonPropertyName("B")]
    public string? B { get; init; }

    [JsonPropertyName("SS")]
    public IReadOnlyList<string>? SS { get; init; }

    [JsonPropertyName("NS")]
    public IReadOnlyList<string>? NS { get; init; }

    /// <summary>Binary set, base64 as on the wire.</summary>
    [JsonPropertyName("BS")]
    public IReadOnlyList<string>? BS { get; init; }

    [JsonPropertyName("M")]
    public IReadOnlyDictionary<string, StreamAttributeValue>? M { get; init; }

    [JsonPropertyName("L")]
    public IReadOnlyList<StreamAttributeValue>? L { get; init; }

    [JsonPropertyName("NULL")]
    public bool? Null { get; init; }

    [JsonPropertyName("BOOL")]
    public bool? Bool { get; init; }

    public static StreamAttributeValue OfString(string value) => new() { S = value };

    public static StreamAttributeValue OfNumber(string value) => new() { N = value };
}
