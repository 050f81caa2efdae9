namespace Cumin.Lambdas;

/// <summary>Configuration section <c>Cumin:Tables</c>: DynamoDB tables are named <c>{Prefix}{name}</c>.</summary>
public sealed class TableOptions
{
    public const string SectionName = "Cumin:Tables";

    public string Prefix { get; set; } = "cumin-";

    public string NameOf(string table) => Prefix + table;
}

/// <summary>The unprefixed table names of the shared contract.</summary>
public static class TableNames
{
    public const string Users = "users";
    public const string Emails = "emails";
    public const string Projects = "projects";
    public const string Tasks = "tasks";
    public const string Jobs = "jobs";
}
