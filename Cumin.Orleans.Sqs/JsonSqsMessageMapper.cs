using System.Globalization;
using System.Text.Json;
using Amazon.SQS.Model;
using Orleans.Runtime;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Reads plain JSON messages written by producers that know nothing of Orleans (a Lambda, a script): the body is
/// deserialized into <typeparamref name="TEvent"/>, and the stream is <c>(streamNamespace, body[keyProperty])</c>.
/// For example <c>{"type":"export.completed","userId":"u1",…}</c> with namespace <c>user-notifications</c> and key
/// property <c>userId</c> goes to stream <c>user-notifications/u1</c>, the implicit subscriber grain keyed <c>u1</c>.
/// </summary>
/// <typeparam name="TEvent">The event type; for consumers on other silos it must be an Orleans-serializable type.</typeparam>
public sealed class JsonSqsMessageMapper<TEvent> : ISqsMessageMapper
{
    private readonly string _streamNamespace;
    private readonly string _keyProperty;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly Func<JsonElement, bool>? _accepts;

    /// <param name="streamNamespace">Stream namespace of every message this mapper reads.</param>
    /// <param name="keyProperty">Top-level JSON property holding the stream key (a string or a number); matched
    /// case-sensitively first, then ignoring case.</param>
    /// <param name="serializerOptions">How the body becomes <typeparamref name="TEvent"/>; default: web defaults
    /// (camelCase, case-insensitive), strings for enums.</param>
    /// <param name="accepts">Optional filter on the parsed body: when it returns <see langword="false"/> the message is
    /// left to the next mapper, e.g. <c>body =&gt; body.GetProperty("type").GetString()!.StartsWith("export.")</c>.
    /// Without a filter every message reaching this mapper is its own, and one it cannot read is unreadable.</param>
    public JsonSqsMessageMapper(
        string streamNamespace,
        string keyProperty,
        JsonSerializerOptions? serializerOptions = null,
        Func<JsonElement, bool>? accepts = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamNamespace);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyProperty);
        _streamNamespace = streamNamespace;
        _keyProperty = keyProperty;
        _serializerOptions = serializerOptions ?? JsonSqsMessageMapper.DefaultSerializerOptions;
        _accepts = accepts;
    }

    /// <inheritdoc />
    public SqsStreamMessage? Map(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var document = JsonDocument.Parse(message.Body ?? string.Empty);
        var body = document.RootElement;
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"The message body is JSON {body.ValueKind}, not an object.");
        }

        if (_accepts is not null && !_accepts(body))
        {
            return null;
        }

        var key = ReadKey(body);
        var @event = body.Deserialize<TEvent>(_serializerOptions)
            ?? throw new FormatException($"The message body reads as a null {typeof(TEvent).Name}.");
        return new SqsStreamMessage(StreamId.Create(_streamNamespace, key), [@event]);
    }

    private string ReadKey(JsonElement body)
    {
        if (!body.TryGetProperty(_keyProperty, out var key))
        {
            var match = body.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, _keyProperty, StringComparison.OrdinalIgnoreCase));
            if (match.Value.ValueKind == JsonValueKind.Undefined)
            {
                throw new FormatException($"The message body has no '{_keyProperty}' property for the stream key.");
            }

            key = match.Value;
        }

        var text = key.ValueKind switch
        {
            JsonValueKind.String => key.GetString(),
            JsonValueKind.Number => key.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(text)
            ? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The stream key '{_keyProperty}' is {key.ValueKind}, not a non-empty string or number."))
            : text;
    }
}

/// <summary>Defaults shared by the <see cref="JsonSqsMessageMapper{TEvent}"/> mappers.</summary>
public static class JsonSqsMessageMapper
{
    /// <summary>Web defaults (camelCase, case-insensitive names, numbers from strings) plus enums as strings.</summary>
    public static JsonSerializerOptions DefaultSerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
