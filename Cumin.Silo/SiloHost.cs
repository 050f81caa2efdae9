using System.Text.Json;
using Amazon.DynamoDBv2;
using Cumin.Clustering.Hosting;
using Cumin.Exports;
using Cumin.Grains;
using Cumin.Live;
using Cumin.Notifications;
using Cumin.Orleans.DynamoDB;
using Cumin.Primitives;
using Cumin.ServiceDefaults;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Streams;

namespace Cumin.Silo;

/// <summary>Configuration section <c>Cumin:Orleans</c> as a silo reads it.</summary>
public sealed class SiloOptions
{
    public const string Section = "Cumin:Orleans";

    public string ClusterId { get; set; } = "cumin";

    public string ServiceId { get; set; } = "cumin";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary><c>Localhost</c> (default) or <c>AdoNet</c>; the rest of clustering's settings: Cumin.Clustering's ClusteringOptions.</summary>
    public Cumin.Clustering.ClusteringMode Clustering { get; set; } = Cumin.Clustering.ClusteringMode.Localhost;

    /// <summary>
    /// The Orleans dashboard at /dashboard on the silo's HTTP port: off unless asked for (make run and make cluster do). It
    /// has no authentication, shows every grain and silo, and profiles every grain call, which costs a little throughput.
    /// </summary>
    public bool Dashboard { get; set; }
}

/// <summary>
/// Everything a Cumin silo is made of. The silo host and the test clusters both call
/// <see cref="AddCuminSilo"/>, so tests run the same providers as production.
/// </summary>
public static class SiloHost
{
    /// <summary>How long a stopping silo may take to shut down gracefully (configuration, a TimeSpan).</summary>
    public const string ShutdownTimeoutKey = HostDefaultsExtensions.ShutdownTimeoutKey;

    /// <summary>Well under the 60 s stopTimeout of the ECS task definition (deploy/), far above the few seconds it takes.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(45);

    public static ISiloBuilder AddCuminSilo(this ISiloBuilder silo, IConfiguration configuration, bool clustering = true)
    {
        var options = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        Cumin.Users.EmailAddresses.EnsureUnicodeData();
        if (clustering)
        {
            // Localhost (make run) or PostgreSQL membership (Cumin:Orleans:Clustering = AdoNet): Cumin.Clustering.
            silo.UseCuminClustering(configuration);
        }

        // Grain calls continue the caller's trace (the API's request, another grain's call).
        silo.AddActivityPropagation();
        silo.Services.AddCuminGrains(configuration);
        // Orleans' watchdog warns of an impossible stall when its two threads start in one order: see WatchdogLogger.
        WatchdogLogging.Register(silo.Services);
        // The host's own (AddCuminHostDefaults) when it made one; hosts that only add the silo (tests) get it here.
        silo.Services.AddCuminDynamoDB(configuration);
        // Grains call the SDK directly (the catalogs' queries). Orleans's exception codec carries its exceptions to the
        // caller by type name, which the API answers with a 503; without this they cannot be serialized at all, and the
        // caller gets a serialization error instead.
        silo.Services.Configure<ExceptionSerializationOptions>(exceptions => exceptions.SupportedNamespacePrefixes.Add("Amazon"));
        silo.AddCuminGrainStorage(configuration);
        silo.AddCuminNotifications(configuration);
        if (options.Dashboard)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    /// <summary>
    /// One DynamoDB table per kind of grain state, keyed as DESIGN.md says (<see cref="ConfigureTables"/>), with this
    /// deployment's table prefix.
    /// </summary>
    public static ISiloBuilder AddCuminGrainStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        var tables = configuration.GetSection(TableOptions.Section).Get<TableOptions>() ?? new TableOptions();
        return silo.AddDynamoDBGrainStorage(StorageNames.Grains, storage =>
        {
            storage.TablePrefix = tables.Prefix;
            ConfigureTables(storage);
        });
    }

    /// <summary>Cumin's tables, keys, streams and indexes as the storage provider creates them (and deploy/cumin.yaml declares them).</summary>
    public static void ConfigureTables(DynamoDBGrainStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        // Enumerations are stored under the same wire names the API sends (Cumin.Contracts).
        storage.JsonSerializerOptions = DynamoDBGrainStorageOptions.CreateDefaultJsonSerializerOptions();
        storage.JsonSerializerOptions.Converters.Insert(0, new WireNameJsonConverterFactory());
        storage.Tables["user"] = new DynamoDBTableMapping { TableName = TableNames.Users, PartitionKeyName = KeyAttributes.Partition };
        storage.Tables["email"] = new DynamoDBTableMapping { TableName = TableNames.Emails, PartitionKeyName = KeyAttributes.Partition };
        // Old and new images: the aggregator drops a deleted project's counts, the activity reads member changes.
        storage.Tables["project"] = Streamed(TableNames.Projects);
        // A project's labels, one item, read on first use by the project grain (LazyState), not with the project.
        storage.Tables["labels"] = Streamed(TableNames.Labels);
        // A project's webhooks, one item, read on first use; the webhook functions read its stream (a ping, a change).
        storage.Tables["webhooks"] = Streamed(TableNames.Webhooks);
        // A project's tasks are one partition; the board index orders them by column and rank (strongly consistent,
        // so a project reads its board from it), the assignee index finds a user's tasks across projects.
        storage.Tables["task"] = new DynamoDBTableMapping
        {
            TableName = TableNames.Tasks,
            PartitionKeyName = KeyAttributes.Partition,
            SortKeyName = KeyAttributes.Sort,
            StreamViewType = "NEW_AND_OLD_IMAGES",
            DeleteStateOnClear = true,
            LocalSecondaryIndexes = { new DynamoDBIndex { IndexName = TaskIndexes.Board, SortKeyName = TaskAttributes.BoardKey } },
            GlobalSecondaryIndexes =
            {
                new DynamoDBIndex { IndexName = TaskIndexes.Assignee, PartitionKeyName = TaskAttributes.AssigneeId, SortKeyName = TaskAttributes.AssigneeKey },
            },
        };
        // Comments are written by their task's grain (ICommentStore), in one transaction with the task's count; no
        // grain state maps here, the mapping makes the provider create the table with the others.
        storage.Tables["comment"] = Streamed(TableNames.Comments, KeyAttributes.Sort);
        // Export jobs: pk user id, sk export id (the job grain's key is "{userId}/{exportId}"); the INSERT record
        // of a new job starts the exporter, which only needs the new image.
        storage.Tables["export"] = new DynamoDBTableMapping
        {
            TableName = TableNames.Jobs,
            PartitionKeyName = KeyAttributes.Partition,
            SortKeyName = KeyAttributes.Sort,
            StreamViewType = "NEW_IMAGE",
        };
    }

    /// <summary>A table whose stream carries old and new images (the functions compare them) and whose item goes when its grain clears its state.</summary>
    private static DynamoDBTableMapping Streamed(string tableName, string? sortKeyName = null) => new()
    {
        TableName = tableName,
        PartitionKeyName = KeyAttributes.Partition,
        SortKeyName = sortKeyName,
        StreamViewType = "NEW_AND_OLD_IMAGES",
        DeleteStateOnClear = true,
    };

    /// <summary>
    /// The exporter's completion messages and the aggregator's counts: plain JSON on the SQS queue
    /// <c>Cumin:Notifications:QueueName</c> (default <c>cumin-notifications</c>), delivered to the owner's user grain on
    /// stream <c>user-notifications/{userId}</c> and to the project grain on <c>project-counts/{projectId}</c>.
    /// Only implicit subscriptions consume it, so no pub/sub store is needed. Further SQS options bind from
    /// <c>Cumin:Notifications:Sqs</c> (e.g. <c>WaitTime</c>, <c>VisibilityTimeout</c>).
    /// </summary>
    public static ISiloBuilder AddCuminNotifications(this ISiloBuilder silo, IConfiguration configuration)
    {
        var queueName = configuration[$"{NotificationSettings.Section}:QueueName"] is { Length: > 0 } name ? name : NotificationSettings.DefaultName;
        return silo.AddSqsStreams(NotificationStreams.Provider, sqs => sqs
            .ConfigureSqs(options => options
                .Bind(configuration.GetSection($"{NotificationSettings.Section}:Sqs"))
                .Configure(sqsOptions => sqsOptions.QueueNames = [queueName]))
            // One queue, two kinds of message, told apart by their type.
            .AddJsonMessageMapping<ExportEndedMessage>(NotificationStreams.UserNamespace, "userId", accepts: body => !IsCounts(body))
            .AddJsonMessageMapping<ProjectCountsMessage>(NotificationStreams.ProjectCountsNamespace, "projectId", accepts: IsCounts)
            .ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));

        static bool IsCounts(JsonElement body) =>
            body.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && type.ValueEquals(ProjectEventTypes.CountsUpdated);
    }
}

/// <summary>Configuration section <c>Cumin:Notifications</c>: the SQS queue the exporter writes and the silos read.</summary>
public static class NotificationSettings
{
    public const string Section = "Cumin:Notifications";

    public const string DefaultName = "cumin-notifications";
}
