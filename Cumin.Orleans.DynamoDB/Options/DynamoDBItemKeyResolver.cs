using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB;

/// <summary>Chooses the key of the item that holds the state named <paramref name="stateName"/> of grain <paramref name="grainId"/>.</summary>
public delegate DynamoDBItemKey DynamoDBItemKeyResolver(GrainId grainId, string stateName);

/// <summary>Ready-made <see cref="DynamoDBItemKeyResolver"/>s.</summary>
public static class DynamoDBItemKeyResolvers
{
    /// <summary>Partition key = the grain's key (for a string-keyed grain, the string itself); no sort key.</summary>
    public static DynamoDBItemKeyResolver GrainKey { get; } = static (grainId, _) => new DynamoDBItemKey(grainId.Key.ToString()!);

    /// <summary>
    /// For compound grain keys such as a task grain's <c>"{projectId}/{taskId}"</c>: partition key = the part before the
    /// first '/', sort key = the rest. Items of one project then share a partition that a single Query returns.
    /// </summary>
    public static DynamoDBItemKeyResolver CompoundGrainKey { get; } = static (grainId, stateName) =>
    {
        var key = grainId.Key.ToString()!;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException(
                $"Grain {grainId} (state '{stateName}') is mapped to a table keyed by '{{partition}}/{{sort}}', but its key '{key}' has no such form.",
                nameof(grainId));
        }

        return new DynamoDBItemKey(key[..slash], key[(slash + 1)..]);
    };

    /// <summary>
    /// Partition key = the whole grain id (<c>type/key</c>), sort key = the state name: any grain and any state fit one
    /// table. The default mapping's resolver.
    /// </summary>
    public static DynamoDBItemKeyResolver GrainIdAndStateName { get; } = static (grainId, stateName) =>
        new DynamoDBItemKey(grainId.ToString(), stateName);
}
