namespace Cumin;

/// <summary>
/// The DynamoDB tables of Cumin, before <see cref="TableOptions.Prefix"/>. The silo creates them (Cumin.Silo's storage
/// mappings), the API and the Lambdas read them, deploy/cumin.yaml declares them.
/// </summary>
public static class TableNames
{
    /// <summary>pk user id.</summary>
    public const string Users = "users";

    /// <summary>pk normalised e-mail address.</summary>
    public const string Emails = "emails";

    /// <summary>pk project id; the members live in the project's item. Streams NEW_AND_OLD_IMAGES.</summary>
    public const string Projects = "projects";

    /// <summary>pk project id, sk task id; indexes <see cref="TaskIndexes"/>. Streams NEW_AND_OLD_IMAGES.</summary>
    public const string Tasks = "tasks";

    /// <summary>pk user id, sk export id. Streams NEW_IMAGE.</summary>
    public const string Jobs = "jobs";

    /// <summary>pk project id: one item holding the project's labels. Streams NEW_AND_OLD_IMAGES.</summary>
    public const string Labels = "labels";

    /// <summary>pk <c>{projectId}/{taskId}</c>, sk comment id. Streams NEW_AND_OLD_IMAGES.</summary>
    public const string Comments = "comments";

    /// <summary>pk project id: one item holding the project's webhooks. Streams NEW_AND_OLD_IMAGES.</summary>
    public const string Webhooks = "webhooks";
}

/// <summary>Configuration section <c>Cumin:Tables</c>: every table is named <c>{Prefix}{name}</c>.</summary>
public sealed class TableOptions
{
    public const string Section = "Cumin:Tables";

    /// <summary>Prepended to every table name, so several deployments or test runs share one account or server.</summary>
    public string Prefix { get; set; } = "cumin-";

    public string NameOf(string table) => Prefix + table;
}

/// <summary>The key and version attributes of every item the grain storage writes.</summary>
public static class KeyAttributes
{
    public const string Partition = "pk";

    public const string Sort = "sk";

    /// <summary>The storage provider's numeric version of an item; every conditional write checks and raises it.</summary>
    public const string ETag = "etag";
}
