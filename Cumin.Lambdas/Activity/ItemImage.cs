using System.Globalization;
using System.Text.Json.Nodes;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Activity;

/// <summary>An item's image in a stream record (or a map inside one), read as the activity shows it.</summary>
internal readonly struct ItemImage(IReadOnlyDictionary<string, StreamAttributeValue>? values)
{
    /// <summary>Longer texts (a description, a comment's body) are shown cut to this many characters, with "…".</summary>
    public const int MaxTextLength = 500;

    public bool Exists => values is not null;

    public bool Has(string name) => values is not null && values.TryGetValue(name, out var value) && value.Null is not true;

    public string? Text(string name) =>
        values is not null && values.TryGetValue(name, out var value) && value.S is { Length: > 0 } text ? text : null;

    public DateTimeOffset? Time(string name) =>
        DateTimeOffset.TryParse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;

    /// <summary>The maps of a list attribute (members, labels), skipping anything else.</summary>
    public IEnumerable<ItemImage> Maps(string name) =>
        values is not null && values.TryGetValue(name, out var value) && value.L is { } list
            ? list.Where(v => v.M is not null).Select(v => new ItemImage(v.M))
            : [];

    /// <summary>The attribute as JSON: null when absent or NULL; lists as arrays, maps as objects, numbers as numbers.</summary>
    public JsonNode? Json(string name) =>
        values is not null && values.TryGetValue(name, out var value) ? ToJson(value) : null;

    private static JsonNode? ToJson(StreamAttributeValue value) => value switch
    {
        { S: { } text } => JsonValue.Create(Shorten(text)),
        { N: { } number } => Number(number),
        { Bool: { } flag } => JsonValue.Create(flag),
        { L: { } list } => new JsonArray([.. list.Select(ToJson)]),
        { M: { } map } => new JsonObject(map.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        { SS: { } strings } => new JsonArray([.. strings.Select(s => (JsonNode?)JsonValue.Create(Shorten(s)))]),
        { NS: { } numbers } => new JsonArray([.. numbers.Select(Number)]),
        // Binary values are nothing a person reads.
        _ => null,
    };

    private static JsonNode? Number(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(text);

    private static string Shorten(string text)
    {
        if (text.Length <= MaxTextLength)
        {
            return text;
        }

        // Never cut between the two halves of a surrogate pair.
        var length = char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength;
        return string.Concat(text.AsSpan(0, length), "…");
    }
}
