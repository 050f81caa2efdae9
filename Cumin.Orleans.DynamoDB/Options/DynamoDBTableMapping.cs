namespace Cumin.Orleans.DynamoDB;

/// <summary>Where and how the states of one state name are stored: table, key schema, key values, stream, TTL.</summary>
public sealed class DynamoDBTableMapping
{
    /// <summary>The table's name, before <see cref="DynamoDBGrainStorageOptions.TablePrefix"/> is put in front of it.</summary>
    public string TableName { get; set; } = string.Empty;

    /// <summary>Name of the partition key attribute (type S). Default <c>pk</c>.</summary>
    public string PartitionKeyName { get; set; } = "pk";

    /// <summary>Name of the sort key attribute (type S), or <see langword="null"/> for a table with a partition key only.</summary>
    public string? SortKeyName { get; set; }

    /// <summary>
    /// Chooses each item's key. <see langword="null"/> means: the grain key as partition key for a table without a sort
    /// key (<see cref="DynamoDBItemKeyResolvers.GrainKey"/>), and the grain key split at its first '/' for a table with one
    /// (<see cref="DynamoDBItemKeyResolvers.CompoundGrainKey"/>).
    /// </summary>
    public DynamoDBItemKeyResolver? KeyResolver { get; set; }

    /// <summary>
    /// The DynamoDB Streams view a created table gets (<c>NEW_IMAGE</c>, <c>OLD_IMAGE</c>, <c>NEW_AND_OLD_IMAGES</c>,
    /// <c>KEYS_ONLY</c>; <c>Amazon.DynamoDBv2.StreamViewType</c> converts to these), or <see langword="null"/> for no stream.
    /// </summary>
    public string? StreamViewType { get; set; }

    /// <summary>
    /// Name of the table's TTL attribute (a number of epoch seconds), or <see langword="null"/> for none. When set, TTL is
    /// enabled on a created table. With <see cref="TimeToLive"/> the provider writes the attribute and reserves the name;
    /// without it the state itself carries the value (a numeric property serialized under this name).
    /// </summary>
    public string? TimeToLiveAttribute { get; set; }

    /// <summary>
    /// How long an item lives after its last write. When set (with <see cref="TimeToLiveAttribute"/>), every write stamps
    /// the TTL attribute with now + this, and no state property may use the attribute's name.
    /// </summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>
    /// <see langword="true"/>: clearing a state deletes its item (a REMOVE record on the stream).
    /// <see langword="false"/> (default): clearing keeps the item with only its keys and a bumped <c>etag</c>, so the
    /// etag sequence survives the clear; reading it gives a fresh default state with <c>RecordExists</c> false.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// Local secondary indexes (same partition key, another sort key; strongly consistent reads). They can only be made
    /// with the table: a table that exists without one fails silo start, saying so, rather than every later query.
    /// </summary>
    public IList<DynamoDBIndex> LocalSecondaryIndexes { get; } = [];

    /// <summary>Global secondary indexes (their own keys; eventually consistent). Missing ones are added to an existing table.</summary>
    public IList<DynamoDBIndex> GlobalSecondaryIndexes { get; } = [];
}
