namespace Cumin.Grains.Common;

/// <summary>The DynamoDB tables of Cumin (configuration section <c>Cumin:Tables</c>).</summary>
public sealed class TableOptions
{
    public const string Section = "Cumin:Tables";

    /// <summary>Prepended to every table name, so several deployments or test runs share one account or server.</summary>
    public string Prefix { get; set; } = "cumin-";

    public string Users => Prefix + "users";

    public string Emails => Prefix + "emails";

    public string Projects => Prefix + "projects";

    public string Tasks => Prefix + "tasks";

    public string Jobs => Prefix + "jobs";
}
