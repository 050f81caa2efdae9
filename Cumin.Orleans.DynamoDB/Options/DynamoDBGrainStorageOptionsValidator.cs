using System.Text.RegularExpressions;
using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB;

/// <summary>Checks a provider's options when the silo starts, so a bad mapping fails there and not on a grain's first write.</summary>
public sealed partial class DynamoDBGrainStorageOptionsValidator(DynamoDBGrainStorageOptions options, string name) : IConfigurationValidator
{
    private static readonly string[] StreamViewTypes = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var errors = Validate(options).ToList();
        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException(
                $"Invalid configuration for DynamoDB grain storage '{name}':{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", errors));
        }
    }

    /// <summary>Every problem with <paramref name="options"/>, in words; none when they are valid.</summary>
    public static IEnumerable<string> Validate(DynamoDBGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.JsonSerializerOptions is null)
        {
            yield return "JsonSerializerOptions is null.";
        }

        if (!string.IsNullOrEmpty(options.ServiceUrl) && !Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out _))
        {
            yield return $"ServiceUrl '{options.ServiceUrl}' is not an absolute URL.";
        }

        if (options.TableActivationTimeout <= TimeSpan.Zero)
        {
            yield return "TableActivationTimeout must be positive.";
        }

        var mappings = options.Tables.Select(pair => (Where: $"Tables[\"{pair.Key}\"]", Mapping: pair.Value)).ToList();
        if (options.DefaultTable is { } defaultTable)
        {
            mappings.Add(("DefaultTable", defaultTable));
        }

        foreach (var (where, mapping) in mappings)
        {
            if (mapping is null)
            {
                yield return $"{where} is null.";
                continue;
            }

            foreach (var error in Validate(mapping, options.TablePrefix))
            {
                yield return $"{where}: {error}";
            }
        }

        // State names that share a table must agree on what the table is.
        foreach (var group in mappings.Where(x => x.Mapping is not null).GroupBy(x => options.TablePrefix + x.Mapping.TableName, StringComparer.Ordinal))
        {
            var shapes = group.Select(x => (x.Mapping.PartitionKeyName, SortKey: x.Mapping.SortKeyName ?? string.Empty,
                Stream: x.Mapping.StreamViewType ?? string.Empty, Ttl: x.Mapping.TimeToLiveAttribute ?? string.Empty,
                Indexes: IndexShape(x.Mapping))).Distinct().Count();
            if (shapes > 1)
            {
                yield return $"{string.Join(", ", group.Select(x => x.Where))} share table '{group.Key}' but differ in key names, stream, TTL or indexes.";
            }
        }
    }

    private static IEnumerable<string> Validate(DynamoDBTableMapping mapping, string prefix)
    {
        var tableName = prefix + mapping.TableName;
        if (string.IsNullOrEmpty(mapping.TableName))
        {
            yield return "TableName is empty.";
        }
        else if (!TableNamePattern().IsMatch(tableName))
        {
            yield return $"table name '{tableName}' is not a DynamoDB table name (3 to 255 of a-z, A-Z, 0-9, '_', '-', '.').";
        }

        if (string.IsNullOrEmpty(mapping.PartitionKeyName))
        {
            yield return "PartitionKeyName is empty.";
        }

        if (mapping.SortKeyName is { Length: > 0 } sortKey && sortKey == mapping.PartitionKeyName)
        {
            yield return $"SortKeyName '{sortKey}' is the same as PartitionKeyName.";
        }

        foreach (var keyName in new[] { mapping.PartitionKeyName, mapping.SortKeyName })
        {
            if (keyName == DynamoDBGrainStorageOptions.ETagAttributeName)
            {
                yield return $"key attribute '{keyName}' collides with the provider's etag attribute.";
            }
        }

        if (mapping.StreamViewType is { Length: > 0 } view && !StreamViewTypes.Contains(view, StringComparer.Ordinal))
        {
            yield return $"StreamViewType '{view}' is not one of {string.Join(", ", StreamViewTypes)}.";
        }

        if (mapping.TimeToLive is { } ttl)
        {
            if (string.IsNullOrEmpty(mapping.TimeToLiveAttribute))
            {
                yield return "TimeToLive is set but TimeToLiveAttribute is not.";
            }

            if (ttl <= TimeSpan.Zero)
            {
                yield return "TimeToLive must be positive.";
            }
        }

        if (mapping.TimeToLiveAttribute is { Length: > 0 } ttlAttribute
            && (ttlAttribute == mapping.PartitionKeyName || ttlAttribute == mapping.SortKeyName || ttlAttribute == DynamoDBGrainStorageOptions.ETagAttributeName))
        {
            yield return $"TimeToLiveAttribute '{ttlAttribute}' collides with a key attribute or the etag attribute.";
        }

        foreach (var error in ValidateIndexes(mapping))
        {
            yield return error;
        }
    }

    private static IEnumerable<string> ValidateIndexes(DynamoDBTableMapping mapping)
    {
        var indexes = mapping.LocalSecondaryIndexes.Select(i => (Index: i, Local: true))
            .Concat(mapping.GlobalSecondaryIndexes.Select(i => (Index: i, Local: false))).ToList();
        if (mapping.LocalSecondaryIndexes.Count > 5)
        {
            yield return "a table has at most 5 local secondary indexes.";
        }

        if (mapping.GlobalSecondaryIndexes.Count > 20)
        {
            yield return "a table has at most 20 global secondary indexes.";
        }

        foreach (var duplicate in indexes.GroupBy(x => x.Index?.IndexName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"index name '{duplicate.Key}' is used twice.";
        }

        foreach (var (index, local) in indexes)
        {
            if (index is null)
            {
                yield return "an index is null.";
                continue;
            }

            var what = $"{(local ? "local" : "global")} index '{index.IndexName}'";
            if (!IndexNamePattern().IsMatch(index.IndexName))
            {
                yield return $"{what}: the name is not a DynamoDB index name (3 to 255 of a-z, A-Z, 0-9, '_', '-', '.').";
            }

            if (local)
            {
                if (string.IsNullOrEmpty(mapping.SortKeyName))
                {
                    yield return $"{what}: a local index needs a table with a sort key.";
                }

                if (!string.IsNullOrEmpty(index.PartitionKeyName) && index.PartitionKeyName != mapping.PartitionKeyName)
                {
                    yield return $"{what}: a local index shares the table's partition key; leave PartitionKeyName empty.";
                }

                if (string.IsNullOrEmpty(index.SortKeyName))
                {
                    yield return $"{what}: a local index needs a SortKeyName.";
                }
            }
            else if (string.IsNullOrEmpty(index.PartitionKeyName))
            {
                yield return $"{what}: a global index needs a PartitionKeyName.";
            }

            string?[] keys = local ? [index.SortKeyName] : [index.PartitionKeyName, index.SortKeyName];
            if (keys.Contains(DynamoDBGrainStorageOptions.ETagAttributeName, StringComparer.Ordinal))
            {
                yield return $"{what}: a key attribute collides with the provider's etag attribute.";
            }

            if (local && index.SortKeyName == mapping.SortKeyName)
            {
                yield return $"{what}: its sort key is the table's own.";
            }
        }
    }

    /// <summary>The indexes of a mapping as one comparable string, so mappings sharing a table can be compared.</summary>
    private static string IndexShape(DynamoDBTableMapping mapping) =>
        string.Join(";", mapping.LocalSecondaryIndexes.Select(i => $"L:{i?.IndexName}:{i?.SortKeyName}").Order(StringComparer.Ordinal)
            .Concat(mapping.GlobalSecondaryIndexes.Select(i => $"G:{i?.IndexName}:{i?.PartitionKeyName}:{i?.SortKeyName}").Order(StringComparer.Ordinal)));

    [GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial Regex IndexNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial Regex TableNamePattern();
}
