namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// A secondary index of a mapped table, created with it. Key attributes are strings (S); an item without an index's key
/// attributes is simply not in that index (a sparse index), so a state property that is sometimes absent makes one.
/// Every attribute is projected: the index answers a query with whole states.
/// </summary>
public sealed class DynamoDBIndex
{
    public string IndexName { get; set; } = string.Empty;

    /// <summary>
    /// The index's partition key attribute. For a global secondary index, required; for a local one, left null (a local
    /// index always shares the table's partition key).
    /// </summary>
    public string? PartitionKeyName { get; set; }

    /// <summary>The index's sort key attribute: required for a local index, optional for a global one.</summary>
    public string? SortKeyName { get; set; }
}
