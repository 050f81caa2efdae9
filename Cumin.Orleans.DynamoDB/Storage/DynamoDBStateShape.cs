using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.DynamoDBv2.Model;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// How states of one type are spread over the attributes of an item in one table, and back: the state's JSON
/// properties become top-level attributes beside the keys and the etag. Decided, and checked, once per type and table
/// (<see cref="DynamoDBTableBinding.Shape{T}"/>).
/// </summary>
internal sealed class DynamoDBStateShape<T>
{
    private readonly DynamoDBTableBinding _table;
    private readonly Func<T> _createDefault;
    private readonly JsonReaderOptions _readerOptions;

    private DynamoDBStateShape(DynamoDBTableBinding table, JsonTypeInfo<T> typeInfo, bool isWrapped, Func<T> createDefault, int maxDepth)
    {
        _table = table;
        TypeInfo = typeInfo;
        IsWrapped = isWrapped;
        _createDefault = createDefault;
        _readerOptions = new JsonReaderOptions { MaxDepth = Math.Max(64, maxDepth) };
    }

    public JsonTypeInfo<T> TypeInfo { get; }

    /// <summary>
    /// A state that is not a JSON object (a number, a string, a list) cannot be spread over top-level attributes; it is
    /// kept whole in <see cref="DynamoDBGrainStorageOptions.ValueAttributeName"/>.
    /// </summary>
    public bool IsWrapped { get; }

    /// <summary>The attribute count of the last item written with this shape: the next one is likely the same size.</summary>
    public int AttributeCountHint { get; set; } = 8;

    public T CreateDefault() => _createDefault();

    public static DynamoDBStateShape<T> Create(DynamoDBTableBinding table, string stateName, JsonSerializerOptions options, IActivatorProvider? activators)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        var isWrapped = typeInfo.Kind is JsonTypeInfoKind.None or JsonTypeInfoKind.Enumerable;

        if (isWrapped && table.IsReserved(DynamoDBGrainStorageOptions.ValueAttributeName))
        {
            throw ReservedNameCollision(table, stateName, DynamoDBGrainStorageOptions.ValueAttributeName);
        }

        if (typeInfo.Kind == JsonTypeInfoKind.Object)
        {
            foreach (var property in typeInfo.Properties)
            {
                if (table.IsReserved(property.Name))
                {
                    throw ReservedNameCollision(table, stateName, property.Name);
                }
            }
        }

        Func<T> createDefault = activators?.GetActivator<T>() is { } activator
            ? activator.Create
            : typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null
                ? Activator.CreateInstance<T>
                : static () => default!;
        return new DynamoDBStateShape<T>(table, typeInfo, isWrapped, createDefault, options.MaxDepth);
    }

    /// <summary>Serializes the state and adds its properties to the item as top-level attributes, adding their size.</summary>
    public void AddState(T? state, string stateName, Dictionary<string, AttributeValue> item, ref long size)
    {
        var scratch = DynamoDBAttributeJson.JsonScratch.Rent();
        try
        {
            JsonSerializer.Serialize(scratch.Writer, state!, TypeInfo);
            scratch.Writer.Flush();
            var reader = new Utf8JsonReader(scratch.Buffer.WrittenSpan, _readerOptions);
            reader.Read();

            if (IsWrapped)
            {
                item[DynamoDBGrainStorageOptions.ValueAttributeName] = DynamoDBAttributeJson.ReadValue(ref reader, ref size);
                size += DynamoDBGrainStorageOptions.ValueAttributeName.Length;
                return;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                // A null state is stored as no state at all, like a cleared one.
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"State '{stateName}' of type {typeof(T)} serialized to {reader.TokenType}, not to an object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = DynamoDBAttributeJson.ReadString(ref reader, ref size);
                if (_table.IsReserved(name))
                {
                    // Caught per type up front; this catches dictionaries, extension data and derived types.
                    throw ReservedNameCollision(_table, stateName, name);
                }

                reader.Read();
                item[name] = DynamoDBAttributeJson.ReadValue(ref reader, ref size);
            }
        }
        finally
        {
            scratch.Return();
        }
    }

    /// <summary>Turns an item back into a state; <see langword="false"/> when the item holds no state (a cleared one).</summary>
    public bool TryReadState(Dictionary<string, AttributeValue> item, out T state)
    {
        var scratch = DynamoDBAttributeJson.JsonScratch.Rent();
        try
        {
            var writer = scratch.Writer;
            if (IsWrapped)
            {
                if (!item.TryGetValue(DynamoDBGrainStorageOptions.ValueAttributeName, out var value))
                {
                    state = default!;
                    return false;
                }

                DynamoDBAttributeJson.WriteValue(writer, value);
            }
            else
            {
                var any = false;
                writer.WriteStartObject();
                foreach (var (name, value) in item)
                {
                    if (_table.IsReserved(name))
                    {
                        continue;
                    }

                    any = true;
                    writer.WritePropertyName(name);
                    DynamoDBAttributeJson.WriteValue(writer, value);
                }

                writer.WriteEndObject();
                if (!any)
                {
                    state = default!;
                    return false;
                }
            }

            writer.Flush();
            state = JsonSerializer.Deserialize(scratch.Buffer.WrittenSpan, TypeInfo)!;
            return true;
        }
        finally
        {
            scratch.Return();
        }
    }

    private static OrleansConfigurationException ReservedNameCollision(DynamoDBTableBinding table, string stateName, string name) =>
        new($"State '{stateName}' of type {typeof(T)} has a property stored as attribute '{name}', but table '{table.TableName}' " +
            $"reserves that name (reserved: {string.Join(", ", table.ReservedNames)}). Rename the property " +
            "([JsonPropertyName]) or map the state to a table with other key attribute names.");
}
