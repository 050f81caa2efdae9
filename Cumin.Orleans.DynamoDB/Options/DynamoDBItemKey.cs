namespace Cumin.Orleans.DynamoDB;

/// <summary>The primary key of the item holding one grain state: partition key and, for tables that have one, sort key.</summary>
/// <param name="PartitionKey">The value of the table's partition key attribute (an S attribute).</param>
/// <param name="SortKey">The value of the table's sort key attribute, or <see langword="null"/> for a table without one.</param>
public readonly record struct DynamoDBItemKey(string PartitionKey, string? SortKey = null);
