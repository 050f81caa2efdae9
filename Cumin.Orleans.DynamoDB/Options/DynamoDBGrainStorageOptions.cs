using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.DynamoDBv2;
using Orleans;

namespace Cumin.Orleans.DynamoDB;

/// <summary>Options of one DynamoDB grain-storage provider (named options, bound per provider name).</summary>
public sealed class DynamoDBGrainStorageOptions
{
    /// <summary>Name of the numeric attribute holding each item's version for optimistic concurrency.</summary>
    public const string ETagAttributeName = "etag";

    /// <summary>
    /// The attribute that holds a state which does not serialize to a JSON object (a number, a string, a list): such a
    /// state cannot be spread over top-level attributes.
    /// </summary>
    public const string ValueAttributeName = "value";

    /// <summary>
    /// Endpoint override, e.g. <c>http://127.0.0.1:8000</c>. Optional: by default the SDK resolves the endpoint itself
    /// (<c>AWS_ENDPOINT_URL_DYNAMODB</c>, <c>AWS_ENDPOINT_URL</c>, the shared config file, then the region's endpoint).
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Region system name, e.g. <c>eu-west-1</c>. Optional: by default the SDK resolves it (<c>AWS_REGION</c>, profile, instance metadata).</summary>
    public string? Region { get; set; }

    /// <summary>Put in front of every table name, so that environments and test runs can share one account or one DynamoDB Local.</summary>
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>Table mappings keyed by state name (the name given to <c>[PersistentState(stateName, storageName)]</c>).</summary>
    public IDictionary<string, DynamoDBTableMapping> Tables { get; } = new Dictionary<string, DynamoDBTableMapping>(StringComparer.Ordinal);

    /// <summary>
    /// Where states whose name is not in <see cref="Tables"/> go. Default: table <c>grains</c>, partition key <c>pk</c> =
    /// the grain id (<c>type/key</c>), sort key <c>sk</c> = the state name, so that any grain works without configuration.
    /// <see langword="null"/> makes an unlisted state name an error.
    /// </summary>
    public DynamoDBTableMapping? DefaultTable { get; set; } = new()
    {
        TableName = "grains",
        PartitionKeyName = "pk",
        SortKeyName = "sk",
        KeyResolver = DynamoDBItemKeyResolvers.GrainIdAndStateName,
    };

    /// <summary>
    /// How states become JSON, and so DynamoDB attributes. Default: camelCase property names, enums as lower snake_case
    /// strings (<c>in_progress</c>), timestamps as ISO-8601 strings (System.Text.Json's own format).
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = CreateDefaultJsonSerializerOptions();

    /// <summary>Create missing tables (and wait until they are ACTIVE) when the silo starts. Default <see langword="true"/>.</summary>
    public bool CreateTables { get; set; } = true;

    /// <summary>How long silo start waits for a created table to become ACTIVE.</summary>
    public TimeSpan TableActivationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Silo lifecycle stage at which tables are created. Default: <see cref="ServiceLifecycleStage.ApplicationServices"/>.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>Last say on the client this provider builds (not applied to an <c>IAmazonDynamoDB</c> taken from the services).</summary>
    public Action<AmazonDynamoDBConfig>? ConfigureClient { get; set; }

    /// <summary>The defaults of <see cref="JsonSerializerOptions"/>, for callers that want to start from them.</summary>
    /// <remarks>Property names match case-sensitively: the provider reads back exactly the names it wrote, and exact matching is faster.</remarks>
    public static JsonSerializerOptions CreateDefaultJsonSerializerOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
