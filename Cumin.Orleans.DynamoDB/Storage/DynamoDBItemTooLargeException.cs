using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// A grain state would make an item over DynamoDB's 400 KB item limit. Raised before anything is sent, so nothing is
/// written. An <see cref="OrleansException"/>, so Orleans passes it to the grain as it is rather than wrapping it.
/// </summary>
[GenerateSerializer, Alias("Cumin.Orleans.DynamoDB.DynamoDBItemTooLargeException")]
public sealed class DynamoDBItemTooLargeException : OrleansException
{
    public DynamoDBItemTooLargeException()
    {
    }

    public DynamoDBItemTooLargeException(string message)
        : base(message)
    {
    }

    public DynamoDBItemTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DynamoDBItemTooLargeException(GrainId grainId, string stateName, string tableName, long itemSize, long maxItemSize)
        : base(
            $"State '{stateName}' of grain {grainId} would make a {itemSize}-byte item in DynamoDB table '{tableName}', " +
            $"over the {maxItemSize}-byte item limit. Nothing was written; keep large data (lists that grow without bound, " +
            "blobs) out of grain state.")
    {
        GrainId = grainId.ToString();
        StateName = stateName;
        TableName = tableName;
        ItemSize = itemSize;
        MaxItemSize = maxItemSize;
    }

    /// <summary>The grain whose state was too large (<c>type/key</c>).</summary>
    [Id(0)]
    public string? GrainId { get; }

    /// <summary>The state's name.</summary>
    [Id(1)]
    public string? StateName { get; }

    /// <summary>The table the item was bound for.</summary>
    [Id(2)]
    public string? TableName { get; }

    /// <summary>The item's size as computed by DynamoDB's rules (numbers counted generously).</summary>
    [Id(3)]
    public long ItemSize { get; }

    /// <summary>DynamoDB's item size limit, 400 KB.</summary>
    [Id(4)]
    public long MaxItemSize { get; }
}
