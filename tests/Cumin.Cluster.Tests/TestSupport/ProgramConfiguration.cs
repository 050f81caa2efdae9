using System.Reflection;
using Cumin.Api;
using Cumin.Api.Auth;
using Cumin.Api.Http;
using Cumin.Clustering;
using Cumin.Grains.Users;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.LocalRunner;
using Cumin.Silo;
using Orleans.Configuration;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>
/// The configuration keys each program reads: its options classes (reflected, so a renamed or removed property
/// changes the set) at the sections the programs bind them to, plus the few keys read one by one and the variables
/// of the runtime and the AWS SDK. Deployment definitions may set only these.
/// </summary>
public sealed class ProgramConfiguration
{
    private readonly HashSet<string> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _prefixes = [];

    private ProgramConfiguration(string name) => Name = name;

    public string Name { get; }

    /// <summary>Paths that answer 200 on the program's HTTP port; the cluster fixture waits on them on real processes.</summary>
    public IReadOnlyList<string> HealthPaths { get; private init; } = [];

    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>The aspnet/runtime images' variables and the AWS SDK's, which every program honours.</summary>
    private static readonly string[] Runtime =
    [
        "DOTNET_ENVIRONMENT", "DOTNET_gcServer", "DOTNET_GCHeapHardLimitPercent",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_S3",
    ];

    /// <summary>What ASP.NET Core's web host reads (the silo and the API are web applications).</summary>
    private static readonly string[] WebHost = ["ASPNETCORE_ENVIRONMENT", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS", "urls"];

    public static ProgramConfiguration Silo { get; } = new ProgramConfiguration("Cumin.Silo") { HealthPaths = ["/health/live"] }
        .With(Runtime).With(WebHost).WithPrefix("Logging:")
        .With(Cumin.Silo.SiloOptions.Section, typeof(Cumin.Silo.SiloOptions))
        .With(ClusteringOptions.Section, typeof(ClusteringOptions))
        .With(ClusteringOptions.MembershipSection, typeof(ClusterMembershipOptions))
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(RefreshTokenOptions.Section, typeof(RefreshTokenOptions))
        .With(NotificationSettings.Section + ":Sqs", typeof(Cumin.Orleans.Sqs.SqsStreamOptions))
        .With(SiloHost.ShutdownTimeoutKey, "ConnectionStrings:" + ClusteringOptions.ConnectionStringName, "Cumin:DynamoDB:ServiceUrl",
            NotificationSettings.Section + ":QueueName", Cumin.Webhooks.AesGcmSecretProtector.KeyConfigurationKey);

    public static ProgramConfiguration Api { get; } = new ProgramConfiguration("Cumin.Api") { HealthPaths = ["/health/live", "/health/ready"] }
        .With(Runtime).With(WebHost).WithPrefix("Logging:")
        .With(ClusterClientOptions.Section, typeof(ClusterClientOptions))
        .With(ClusteringOptions.Section, typeof(ClusteringOptions))
        .With(AuthOptions.Section, typeof(AuthOptions))
        .With(RateLimitOptions.Section, typeof(RateLimitOptions))
        .With(TrustedProxyOptions.Section, typeof(TrustedProxyOptions))
        .With(Cumin.Api.Notifications.HubConnectionOptions.Section, typeof(Cumin.Api.Notifications.HubConnectionOptions))
        .WithPrefix(CrossOriginOptions.Section + ":AllowedOrigins:")
        .With(ApiHost.ShutdownTimeoutKey, "ConnectionStrings:Postgres", "Cumin:DynamoDB:ServiceUrl");

    /// <summary>The local event-source runner, and its migrate command (Cumin.Lambdas.LocalRunner's Program).</summary>
    public static ProgramConfiguration Runner { get; } = new ProgramConfiguration("Cumin.Lambdas.LocalRunner")
        .With(Runtime).WithPrefix("Logging:")
        .With(EventSourceRunnerOptions.SectionName, typeof(EventSourceRunnerOptions))
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(ExporterOptions.SectionName, typeof(ExporterOptions))
        .With(Cumin.Lambdas.Activity.ActivityOptions.SectionName, typeof(Cumin.Lambdas.Activity.ActivityOptions))
        .With(Cumin.Lambdas.Data.DatabaseRolesOptions.SectionName, typeof(Cumin.Lambdas.Data.DatabaseRolesOptions))
        .With(Cumin.Webhooks.WebhookOptions.SectionName, typeof(Cumin.Webhooks.WebhookOptions))
        .With("ConnectionStrings:Postgres", "AWS_ENDPOINT_URL_DYNAMODBSTREAMS", ExporterOptions.QueueNameKey, "Cumin:Exports:ServiceUrl");

    /// <summary>
    /// The aggregator Lambda's parameterless constructor reads these (Cumin.Lambdas/README.md, "Handlers"), plus what
    /// the Lambda runtime itself sets.
    /// </summary>
    public static ProgramConfiguration AggregatorFunction { get; } = new ProgramConfiguration("AggregatorFunction")
        .WithPrefix("Logging:")
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(Cumin.Lambdas.Aggregation.CountsNotifierOptions.SectionName, typeof(Cumin.Lambdas.Aggregation.CountsNotifierOptions))
        .With("ConnectionStrings:Postgres", Cumin.Lambdas.Hosting.LambdaSecrets.PostgresConnectionStringKey);

    /// <summary>The activity Lambda's parameterless constructor: the aggregator's, and its cap.</summary>
    public static ProgramConfiguration ActivityFunction { get; } = new ProgramConfiguration("ActivityFunction")
        .WithPrefix("Logging:")
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(Cumin.Lambdas.Activity.ActivityOptions.SectionName, typeof(Cumin.Lambdas.Activity.ActivityOptions))
        .With("ConnectionStrings:Postgres", Cumin.Lambdas.Hosting.LambdaSecrets.PostgresConnectionStringKey);

    /// <summary>The exporter Lambda's parameterless constructor: its options, the tables, the queue, an optional S3 endpoint.</summary>
    public static ProgramConfiguration ExporterFunction { get; } = new ProgramConfiguration("ExporterFunction")
        .WithPrefix("Logging:")
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(ExporterOptions.SectionName, typeof(ExporterOptions))
        .With(ExporterOptions.QueueNameKey, "Cumin:Exports:ServiceUrl");

    /// <summary>The webhook event function's parameterless constructor: the tables and the deliveries queue.</summary>
    public static ProgramConfiguration WebhookEventsFunction { get; } = new ProgramConfiguration("WebhookEventsFunction")
        .WithPrefix("Logging:")
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(Cumin.Webhooks.WebhookOptions.SectionName, typeof(Cumin.Webhooks.WebhookOptions));

    /// <summary>The webhook deliverer's: the tables, the webhook options, and the two secrets it reads at start.</summary>
    public static ProgramConfiguration WebhookDelivererFunction { get; } = new ProgramConfiguration("WebhookDelivererFunction")
        .WithPrefix("Logging:")
        .With(Cumin.TableOptions.Section, typeof(Cumin.TableOptions))
        .With(Cumin.Webhooks.WebhookOptions.SectionName, typeof(Cumin.Webhooks.WebhookOptions))
        .With("ConnectionStrings:Postgres", Cumin.Lambdas.Hosting.LambdaSecrets.PostgresConnectionStringKey, Cumin.Lambdas.Hosting.LambdaSecrets.WebhookSecretKeyKey);

    public static ProgramConfiguration ForProject(string project) => project switch
    {
        "Cumin.Silo" => Silo,
        "Cumin.Api" => Api,
        "Cumin.Lambdas.LocalRunner" => Runner,
        _ => throw new ArgumentException($"no configuration registry for {project}", nameof(project)),
    };

    /// <summary>True when the environment variable (A__B__C, or a plain name) is a key this program reads.</summary>
    public bool Reads(string environmentVariable)
    {
        var key = environmentVariable.Replace("__", ":", StringComparison.Ordinal);
        return _keys.Contains(key) || _prefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    private ProgramConfiguration With(params string[] keys)
    {
        _keys.UnionWith(keys);
        return this;
    }

    private ProgramConfiguration WithPrefix(string prefix)
    {
        _prefixes.Add(prefix);
        return this;
    }

    private ProgramConfiguration With(string section, Type options)
    {
        foreach (var property in KeysOf(options))
        {
            _keys.Add($"{section}:{property.Name}");
            if (property.PropertyType != typeof(string) && property.PropertyType.IsAssignableTo(typeof(System.Collections.IEnumerable)))
            {
                // A list binds from indexed keys (KnownProxies:0, KnownProxies:1, ...).
                _prefixes.Add($"{section}:{property.Name}:");
            }
        }

        return this;
    }

    /// <summary>The bindable properties of an options class: public, settable, of a type configuration converts.</summary>
    private static IEnumerable<PropertyInfo> KeysOf(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic);
}
