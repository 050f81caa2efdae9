using System.Globalization;
using System.Text.Json.Nodes;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Webhooks;

/// <summary>DynamoDB JSON of a stream image as plain JSON.</summary>
internal static class StreamImageJson
{
    public static JsonNode? ToNode(StreamAttributeValue value) => value switch
    {
        { S: { } s } => JsonValue.Create(s),
        { N: { } n } => long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)
            ? JsonValue.Create(whole)
            : JsonValue.Create(decimal.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture)),
        { Bool: { } b } => JsonValue.Create(b),
        { L: { } list } => new JsonArray([.. list.Select(ToNode)]),
        { M: { } map } => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value)))),
        { SS: { } strings } => new JsonArray([.. strings.Select(s => (JsonNode?)JsonValue.Create(s))]),
        _ => null,
    };
}
