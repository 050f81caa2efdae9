using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// One table mapping resolved once at start: full table name, key schema, reserved names, and the per-state-type
/// decisions, so a read or write does no configuration lookups beyond a dictionary hit.
/// </summary>
internal sealed class DynamoDBTableBinding
{
    private readonly string _partitionKeyName;
    private readonly string? _sortKeyName;
    private readonly string? _providerWrittenTtlAttribute;
    private readonly DynamoDBItemKeyResolver _keyResolver;
    private readonly ConcurrentDictionary<Type, object> _shapes = new();

    public DynamoDBTableBinding(DynamoDBTableMapping mapping, string tablePrefix)
    {
        TableName = tablePrefix + mapping.TableName;
        _partitionKeyName = mapping.PartitionKeyName;
        _sortKeyName = string.IsNullOrEmpty(mapping.SortKeyName) ? null : mapping.SortKeyName;
        _keyResolver = mapping.KeyResolver
            ?? (_sortKeyName is null ? DynamoDBItemKeyResolvers.GrainKey : DynamoDBItemKeyResolvers.CompoundGrainKey);
        StreamViewType = string.IsNullOrEmpty(mapping.StreamViewType) ? null : mapping.StreamViewType;
        TimeToLiveAttribute = string.IsNullOrEmpty(mapping.TimeToLiveAttribute) ? null : mapping.TimeToLiveAttribute;
        TimeToLive = TimeToLiveAttribute is null ? null : mapping.TimeToLive;
        _providerWrittenTtlAttribute = TimeToLive is null ? null : TimeToLiveAttribute;
        DeleteStateOnClear = mapping.DeleteStateOnClear;
        LocalSecondaryIndexes = [.. mapping.LocalSecondaryIndexes];
        GlobalSecondaryIndexes = [.. mapping.GlobalSecondaryIndexes];
    }

    public IReadOnlyList<DynamoDBIndex> LocalSecondaryIndexes { get; }

    public IReadOnlyList<DynamoDBIndex> GlobalSecondaryIndexes { get; }

    public string TableName { get; }

    public string PartitionKeyName => _partitionKeyName;

    public string? SortKeyName => _sortKeyName;

    public string? StreamViewType { get; }

    public string? TimeToLiveAttribute { get; }

    public TimeSpan? TimeToLive { get; }

    public bool DeleteStateOnClear { get; }

    /// <summary>Names for the condition expressions; read-only once built, so every request can share it.</summary>
    public Dictionary<string, string> ETagNames { get; } = new(StringComparer.Ordinal) { ["#etag"] = DynamoDBGrainStorageOptions.ETagAttributeName };

    /// <summary>The attribute names a state may not use: the keys, <c>etag</c>, and the TTL attribute when the provider writes it.</summary>
    public IEnumerable<string> ReservedNames
    {
        get
        {
            yield return _partitionKeyName;
            if (_sortKeyName is not null)
            {
                yield return _sortKeyName;
            }

            yield return DynamoDBGrainStorageOptions.ETagAttributeName;
            if (_providerWrittenTtlAttribute is not null)
            {
                yield return _providerWrittenTtlAttribute;
            }
        }
    }

    public bool IsReserved(string name) =>
        string.Equals(name, DynamoDBGrainStorageOptions.ETagAttributeName, StringComparison.Ordinal)
        || string.Equals(name, _partitionKeyName, StringComparison.Ordinal)
        || (_sortKeyName is not null && string.Equals(name, _sortKeyName, StringComparison.Ordinal))
        || (_providerWrittenTtlAttribute is not null && string.Equals(name, _providerWrittenTtlAttribute, StringComparison.Ordinal));

    /// <summary>The item's key attributes, adding their size (names and values) to <paramref name="size"/>.</summary>
    /// <param name="capacity">How many attributes the item will hold, so the dictionary is sized once.</param>
    public Dictionary<string, AttributeValue> Key(GrainId grainId, string stateName, ref long size, int capacity = 2)
    {
        var key = _keyResolver(grainId, stateName);
        if (string.IsNullOrEmpty(key.PartitionKey))
        {
            throw new InvalidOperationException($"The key resolver of table '{TableName}' gave grain {grainId} (state '{stateName}') an empty partition key.");
        }

        var attributes = new Dictionary<string, AttributeValue>(capacity, StringComparer.Ordinal)
        {
            [_partitionKeyName] = new AttributeValue { S = key.PartitionKey },
        };
        size += DynamoDBAttributeJson.StringSize(_partitionKeyName) + DynamoDBAttributeJson.StringSize(key.PartitionKey);

        if (_sortKeyName is not null)
        {
            if (string.IsNullOrEmpty(key.SortKey))
            {
                throw new InvalidOperationException(
                    $"Table '{TableName}' has sort key '{_sortKeyName}', but its key resolver gave grain {grainId} (state '{stateName}') none.");
            }

            attributes[_sortKeyName] = new AttributeValue { S = key.SortKey };
            size += DynamoDBAttributeJson.StringSize(_sortKeyName) + DynamoDBAttributeJson.StringSize(key.SortKey);
        }
        else if (key.SortKey is not null)
        {
            throw new InvalidOperationException(
                $"Table '{TableName}' has no sort key, but its key resolver gave grain {grainId} (state '{stateName}') one ('{key.SortKey}').");
        }

        return attributes;
    }

    /// <summary>Adds the provider-written TTL attribute, when there is one, and its size.</summary>
    public void AddTimeToLive(Dictionary<string, AttributeValue> item, TimeProvider timeProvider, ref long size)
    {
        if (_providerWrittenTtlAttribute is null)
        {
            return;
        }

        var expires = (timeProvider.GetUtcNow() + TimeToLive!.Value).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        item[_providerWrittenTtlAttribute] = new AttributeValue { N = expires };
        size += DynamoDBAttributeJson.StringSize(_providerWrittenTtlAttribute) + expires.Length;
    }

    /// <summary>How states of type <typeparamref name="T"/> map onto this table: decided, and checked, once per type.</summary>
    public DynamoDBStateShape<T> Shape<T>(string stateName, JsonSerializerOptions options, IActivatorProvider? activators) =>
        (DynamoDBStateShape<T>)_shapes.GetOrAdd(
            typeof(T),
            static (_, arg) => DynamoDBStateShape<T>.Create(arg.self, arg.stateName, arg.options, arg.activators),
            (self: this, stateName, options, activators));
}
